import { parseArgs, ParseArgsConfig } from 'util';

// Only Node's own modules: scripts/synth.mjs compiles this file on its own, as it does the entry resolver.

/** The options a command accepts, in Node's `parseArgs` form (`{ only: { type: 'string' } }`). */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** What a command accepts on its command line. */
export interface CommandArgsSpec<T extends CommandOptions> {
  /** One line, e.g. `usage: npm run history -- <env> <service> [--app <file.ts>]`; ends every error. */
  readonly usage: string;
  /** The options; any other option is refused. */
  readonly options: T;
  /**
   * How many positional arguments the command takes, `[min, max]` (`Infinity` for no limit).
   * @default [0, 0]
   */
  readonly positionals?: readonly [number, number];
}

/**
 * Parses a command line strictly: an unknown option, an option without its value (or a flag
 * with one) and a wrong number of positional arguments are one-line errors that name the bad
 * argument, the allowed options and end with the usage.
 */
export function parseCommandArgs<T extends CommandOptions>(
  spec: CommandArgsSpec<T>,
  args: readonly string[] = process.argv.slice(2),
) {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: spec.options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new Error(`${optionProblem(spec, args) ?? firstLine(error)}; ${spec.usage}`);
  }
  const [min, max] = spec.positionals ?? [0, 0];
  const { positionals } = parsed;
  if (positionals.length > max) {
    throw new Error(`unexpected argument ${JSON.stringify(positionals[max])}; ${spec.usage}`);
  }
  if (positionals.length < min) {
    throw new Error(`expected ${min} argument(s), got ${positionals.length}; ${spec.usage}`);
  }
  return parsed;
}

/** A comma-separated option value as a list (`'a, b,'` -> `['a', 'b']`); undefined stays undefined. */
export function listOption(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** What is wrong with the options of `args`, found by a lenient parse (Node's own messages vary by version). */
function optionProblem(spec: CommandArgsSpec<CommandOptions>, args: readonly string[]): string | undefined {
  const { tokens } = parseArgs({
    args: [...args],
    options: spec.options,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const allowed = Object.keys(spec.options).map((name) => `--${name}`);
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const option = spec.options[token.name];
    if (option === undefined) {
      return `unknown option ${token.rawName}; allowed: ${allowed.length > 0 ? allowed.join(', ') : 'none'}`;
    }
    if (option.type === 'string' && token.value === undefined) return `${token.rawName} needs a value`;
    if (option.type === 'boolean' && token.value !== undefined) {
      return `${token.rawName} takes no value, got ${JSON.stringify(token.value)}`;
    }
  }
  return undefined;
}

function firstLine(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  return message.charAt(0).toLowerCase() + message.slice(1);
}
