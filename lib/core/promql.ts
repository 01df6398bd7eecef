import { parser } from '@prometheus-io/lezer-promql';
import { StagecraftError } from './errors';

/** Where a PromQL expression stops being PromQL. */
export interface PromqlSyntaxError {
  /** Zero-based character offset of the first error. */
  readonly offset: number;
  /** The expression from that offset on, shortened to 40 characters (empty at the end). */
  readonly near: string;
}

/**
 * The first syntax error of `expr` by the PromQL grammar Prometheus's own UI uses
 * (`@prometheus-io/lezer-promql`), or undefined when it parses. The grammar checks syntax, not
 * types: `rate(up)` parses; promtool (in the tests) catches the rest.
 */
export function promqlSyntaxError(expr: string): PromqlSyntaxError | undefined {
  if (expr.trim() === '') return { offset: 0, near: '' };
  let offset: number | undefined;
  parser.parse(expr).iterate({
    enter: (node) => {
      if (offset !== undefined) return false;
      if (node.type.isError) offset = node.from;
      return undefined;
    },
  });
  return offset === undefined ? undefined : { offset, near: expr.slice(offset, offset + 40) };
}

/** Throws a one-line `StagecraftError` under `path` unless `expr` parses as PromQL. */
export function checkPromql(path: string, what: string, expr: string): void {
  const error = promqlSyntaxError(expr);
  if (error) throw new StagecraftError(path, `${what} is not valid PromQL ${describePromqlError(expr, error)}`);
}

/** `at offset 12 (near "...")` / `at the end`, the location half of a PromQL error message. */
export function describePromqlError(expr: string, error: PromqlSyntaxError): string {
  const where =
    error.offset >= expr.length ? 'at the end' : `at offset ${error.offset} near ${JSON.stringify(error.near)}`;
  return `(${where}): ${JSON.stringify(expr)}`;
}
