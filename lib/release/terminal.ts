import * as readline from 'readline';

/**
 * Asks `prompt` on the terminal and resolves to the answer; without a terminal (CI, a pipe)
 * nobody can answer and it resolves to undefined.
 */
export async function askOnTerminal(prompt: string): Promise<string | undefined> {
  if (!process.stdin.isTTY) return undefined;
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  const answer = await new Promise<string>((resolve) => rl.question(prompt, resolve));
  rl.close();
  return answer;
}
