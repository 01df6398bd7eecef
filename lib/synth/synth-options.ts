/** Options of `synth()` and `render()`: where the generated files go and which are written. */
export interface SynthOptions {
  /**
   * Directory that holds `dist/` and `overlays/`.
   * @default process.cwd()
   */
  readonly rootDir?: string;
  /**
   * Directory of the bases, relative to `rootDir` (`cdk8s synth` passes it as CDK8S_OUTDIR).
   * @default - $CDK8S_OUTDIR, or 'dist'
   */
  readonly outdir?: string;
  /**
   * Directory of the overlays, relative to `rootDir`.
   * @default 'overlays'
   */
  readonly overlaysDir?: string;
  /**
   * Path of the generated environments document, relative to `rootDir`; `false` for none.
   * @default 'ENVIRONMENTS.md'
   */
  readonly environmentsDoc?: string | false;
  /**
   * Environment whose values the local Docker Compose file uses; `false` for no compose file.
   * @default - the first deployed environment of the table, else (every one is local) its first
   */
  readonly compose?: string | false;
  /**
   * Directory of the local tier (compose file and `.env.example`), relative to `rootDir`.
   * @default 'local'
   */
  readonly localDir?: string;
  /**
   * Whether to write the Makefile (synth, validate, kind-up, kind-headless, compose-up).
   * @default true
   */
  readonly makefile?: boolean;
  /**
   * Whether the Makefile has the repository targets (synth, test, validate, diff, tags).
   * @default true
   */
  readonly makefileRepoTargets?: boolean;
  /**
   * More files to write with the rest (path relative to `rootDir` -> content), atomically.
   * @default {}
   */
  readonly extraFiles?: Readonly<Record<string, string>>;
  /**
   * Start an overlay at the initial tag even where that loses a pin: the overlay was deleted from
   * the work tree but HEAD pins it, or a service overlay is removed while a new one appears in the
   * same environment (a rename without `previousNames`). Without it synth refuses.
   * @default false
   */
  readonly acceptInitialTags?: boolean;
  /**
   * Where synth says which pins it did not read from the overlay itself (initial tags, kept
   * across an image or service rename).
   * @default - silent
   */
  readonly log?: (line: string) => void;
}
