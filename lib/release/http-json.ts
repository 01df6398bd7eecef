/** Options of `getJson`. */
export interface GetJsonOptions {
  /** Seconds to wait for the whole answer. */
  readonly timeoutSeconds: number;
  /**
   * Headers to send (e.g. `Authorization`).
   * @default {}
   */
  readonly headers?: Readonly<Record<string, string>>;
}

/** An HTTP answer: the status code and the body parsed as JSON (undefined when it is not JSON). */
export interface JsonAnswer {
  /** HTTP status code. */
  readonly status: number;
  /** The parsed body. */
  readonly body: unknown;
}

/**
 * GETs `url` and parses the answer as JSON. `what` names the server in the one-line error of an
 * unreachable server or a timeout (`prometheus http://...: no answer within 5s`).
 */
export async function getJson(what: string, url: string, options: GetJsonOptions): Promise<JsonAnswer> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      headers: options.headers,
      signal: AbortSignal.timeout(options.timeoutSeconds * 1000),
    });
    text = await response.text();
  } catch (error) {
    throw new Error(`${what} ${origin(url)}: ${networkProblem(error, options.timeoutSeconds)}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body };
}

function networkProblem(error: unknown, timeoutSeconds: number): string {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutSeconds}s`;
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return `unreachable (${cause?.code ?? cause?.message ?? (error as Error).message})`;
}

function origin(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
}
