/**
 * A valid OCI tag (the distribution spec's `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`): what a
 * registry accepts after the colon.
 */
export const OCI_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** A valid image digest: `sha256:` and 64 lowercase hex digits. */
export const OCI_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** The one-line reason `tag` is not a valid OCI tag, or undefined when it is. */
export function tagProblem(tag: string): string | undefined {
  return OCI_TAG.test(tag)
    ? undefined
    : `${JSON.stringify(tag)} is not a valid image tag: use 1-128 of [A-Za-z0-9_.-], not starting with '.' or '-'`;
}

/** The one-line reason `digest` is not a valid image digest, or undefined when it is. */
export function digestProblem(digest: string): string | undefined {
  return OCI_DIGEST.test(digest)
    ? undefined
    : `${JSON.stringify(digest)} is not a valid image digest: use sha256: followed by 64 hex digits`;
}
