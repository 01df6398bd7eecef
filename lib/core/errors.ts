/** An error in the platform model: one line, `[path] what is wrong, got value`. */
export class StagecraftError extends Error {
  constructor(path: string, message: string) {
    super(`[${path}] ${message}`);
    this.name = 'StagecraftError';
  }
}
