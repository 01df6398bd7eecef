import { listOption, parseCommandArgs } from '../lib/core/command-args';

const USAGE = 'usage: npm run promote -- <from> <to> [--app <file.ts>] [--only svc1,svc2] [--dry-run]';
const spec = {
  usage: USAGE,
  positionals: [2, 2] as const,
  options: {
    app: { type: 'string' },
    only: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  },
} as const;

describe('command arguments', () => {
  test('parses options, defaults and positionals', () => {
    expect(parseCommandArgs(spec, ['dev', 'staging', '--app', 'x.ts', '--only=a,b'])).toEqual({
      values: { app: 'x.ts', only: 'a,b', 'dry-run': false },
      positionals: ['dev', 'staging'],
    });
    expect(parseCommandArgs(spec, ['--dry-run', 'dev', 'staging']).values['dry-run']).toBe(true);
  });

  test('a positional range allows any count inside it', () => {
    const rollback = { usage: 'usage: x', positionals: [1, Infinity] as const, options: {} };
    expect(parseCommandArgs(rollback, ['prod', 'a', 'b', 'c']).positionals).toEqual(['prod', 'a', 'b', 'c']);
    expect(parseCommandArgs({ usage: 'usage: tags', options: {} }, []).positionals).toEqual([]);
  });

  test('fails when an option is unknown, naming it and every allowed option, on one line', () => {
    expect(() => parseCommandArgs(spec, ['dev', 'staging', '--approve'])).toThrow(
      new Error(`unknown option --approve; allowed: --app, --only, --dry-run; ${USAGE}`),
    );
    expect(() => parseCommandArgs(spec, ['-x', 'dev', 'staging'])).toThrow(
      new Error(`unknown option -x; allowed: --app, --only, --dry-run; ${USAGE}`),
    );
    expect(() => parseCommandArgs({ usage: 'usage: npm run examples', options: {} }, ['--all'])).toThrow(
      new Error('unknown option --all; allowed: none; usage: npm run examples'),
    );
  });

  test('fails when an option misses its value or a flag has one', () => {
    expect(() => parseCommandArgs(spec, ['dev', 'staging', '--only'])).toThrow(
      new Error(`--only needs a value; ${USAGE}`),
    );
    expect(() => parseCommandArgs(spec, ['dev', 'staging', '--dry-run=yes'])).toThrow(
      new Error(`--dry-run takes no value, got "yes"; ${USAGE}`),
    );
  });

  test('fails when there are too many or too few arguments, naming the first extra one', () => {
    expect(() => parseCommandArgs(spec, ['dev', 'staging', 'prod'])).toThrow(
      new Error(`unexpected argument "prod"; ${USAGE}`),
    );
    expect(() => parseCommandArgs(spec, ['dev'])).toThrow(new Error(`expected 2 argument(s), got 1; ${USAGE}`));
  });

  test('a list option splits on commas and drops blanks', () => {
    expect(listOption(' catalogue, voting,,')).toEqual(['catalogue', 'voting']);
    expect(listOption(undefined)).toBeUndefined();
  });
});
