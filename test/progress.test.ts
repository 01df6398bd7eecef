import { Progress } from '../lib/core/progress';

/** A fake terminal (or pipe) and clock. */
function setup(isTTY: boolean) {
  let time = 0;
  const written: string[] = [];
  const stream = { isTTY, write: (text: string) => written.push(text) };
  return { stream, written, now: () => time, advance: (ms: number) => (time += ms) };
}

describe('Progress', () => {
  test('on a terminal: nothing for short work, then one line rewritten in place, cleared when done', () => {
    const t = setup(true);
    const progress = new Progress('validate', { stream: t.stream, now: t.now, every: 60_000 });
    progress.update('overlays/dev');
    expect(t.written).toEqual([]);
    t.advance(2500);
    progress.update('overlays/prod');
    t.advance(1000);
    progress.update('overlays/kind');
    progress.done();
    expect(t.written).toEqual([
      '\rvalidate: overlays/prod (2.5 s)',
      '\rvalidate: overlays/kind (3.5 s)',
      `\r${' '.repeat('validate: overlays/prod (2.5 s)'.length)}\r`,
    ]);
  });

  test('never on a pipe, never with quiet', () => {
    for (const [isTTY, quiet] of [
      [false, false],
      [true, true],
    ]) {
      const t = setup(isTTY);
      const progress = new Progress('diff', { stream: t.stream, now: t.now, quiet, every: 60_000 });
      t.advance(10_000);
      progress.update('rendering');
      progress.done();
      expect(t.written).toEqual([]);
    }
  });
});
