/** Where a `Progress` writes: a stream that may be a terminal. */
export interface ProgressStream {
  /** Whether the stream is a terminal; progress is shown only there. */
  readonly isTTY?: boolean;
  /** Writes text. */
  write(text: string): unknown;
}

/** Options of `Progress`. */
export interface ProgressOptions {
  /**
   * Show nothing (`--quiet`).
   * @default false
   */
  readonly quiet?: boolean;
  /**
   * Where the progress line goes; nothing is shown unless it is a terminal.
   * @default process.stderr
   */
  readonly stream?: ProgressStream;
  /**
   * Milliseconds of work before the line appears: short work shows nothing.
   * @default 2000
   */
  readonly after?: number;
  /**
   * Milliseconds between refreshes of the elapsed time while the event loop is free.
   * @default 250
   */
  readonly every?: number;
  /**
   * The clock, in milliseconds.
   * @default performance.now
   */
  readonly now?: () => number;
}

/**
 * One line on the terminal that says what a long command is doing (`validate: overlays/prod
 * (4.2 s)`), rewritten in place and cleared when the work is done. It appears only after
 * `after` ms, only on a terminal and never with `quiet`, so piped output and logs stay clean.
 */
export class Progress {
  private readonly stream: ProgressStream;
  private readonly shown: boolean;
  private readonly after: number;
  private readonly now: () => number;
  private readonly started: number;
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private step = '';
  private width = 0;

  constructor(
    private readonly label: string,
    options: ProgressOptions = {},
  ) {
    this.stream = options.stream ?? process.stderr;
    this.shown = !(options.quiet ?? false) && this.stream.isTTY === true;
    this.after = options.after ?? 2000;
    this.now = options.now ?? (() => performance.now());
    this.started = this.now();
    if (this.shown) {
      this.timer = setInterval(() => this.render(), options.every ?? 250);
      this.timer.unref();
    }
  }

  /** Says what the work is doing now; shown at once when the work has run longer than `after`. */
  public update(step: string): void {
    this.step = step;
    this.render();
  }

  /** Clears the line (it comes back on the next update or refresh): call it before printing a line. */
  public clear(): void {
    if (this.width > 0) this.stream.write(`\r${' '.repeat(this.width)}\r`);
    this.width = 0;
  }

  /** Clears the line and stops refreshing; call it before printing the result. */
  public done(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.clear();
  }

  private render(): void {
    if (!this.shown) return;
    const elapsed = this.now() - this.started;
    if (elapsed < this.after) return;
    const line = `${this.label}: ${this.step === '' ? 'working' : this.step} (${(elapsed / 1000).toFixed(1)} s)`;
    this.stream.write(`\r${line.padEnd(this.width)}`);
    this.width = Math.max(this.width, line.length);
  }
}
