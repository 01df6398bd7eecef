/**
 * Runs a command-line entry point: any error becomes one line on stderr and exit code 1,
 * never a stack trace (set STAGECRAFT_DEBUG=1 to see one).
 */
export function runMain(name: string, main: () => void | Promise<void>): void {
  const fail = (error: unknown) => {
    if (process.env.STAGECRAFT_DEBUG) console.error(error);
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${name}: ${message.split('\n')[0]}\n`);
    process.exitCode = 1;
  };
  try {
    const result = main();
    if (result instanceof Promise) result.catch(fail);
  } catch (error) {
    fail(error);
  }
}
