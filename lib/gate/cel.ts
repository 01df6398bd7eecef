/** Thrown for CEL the evaluator does not support: the rule is then skipped, never guessed. */
export class CelUnsupported extends Error {}

type Node =
  | { op: 'lit'; value: unknown }
  | { op: 'ident'; name: string }
  | { op: 'field'; target: Node; name: string }
  | { op: 'index'; target: Node; index: Node }
  | { op: 'call'; target?: Node; name: string; args: Node[] }
  | { op: 'list'; items: Node[] }
  | { op: 'unary'; operator: string; arg: Node }
  | { op: 'binary'; operator: string; left: Node; right: Node }
  | { op: 'cond'; test: Node; then: Node; else: Node };

const TOKEN =
  /\s*(?:(\d+\.\d+|\d+)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(==|!=|<=|>=|&&|\|\||[-+*/%<>!?:.,()[\]])|([A-Za-z_][A-Za-z0-9_]*))/y;

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    if (/^\s*$/.test(source.slice(TOKEN.lastIndex))) break;
    const m = TOKEN.exec(source);
    if (!m) throw new CelUnsupported(`unsupported CEL near ${JSON.stringify(source.slice(TOKEN.lastIndex))}`);
    tokens.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  }
  return tokens;
}

/** A recursive-descent parser of the CEL subset CRD rules use. */
class Parser {
  private pos = 0;
  constructor(private readonly tokens: string[]) {}

  public parse(): Node {
    const node = this.conditional();
    if (this.pos < this.tokens.length) throw new CelUnsupported(`unexpected ${this.tokens[this.pos]}`);
    return node;
  }

  private peek(): string | undefined {
    return this.tokens[this.pos];
  }

  private take(expected?: string): string {
    const t = this.tokens[this.pos++];
    if (t === undefined || (expected !== undefined && t !== expected))
      throw new CelUnsupported(`expected ${expected ?? 'a token'}, got ${t ?? 'the end'}`);
    return t;
  }

  private conditional(): Node {
    const test = this.binary(0);
    if (this.peek() !== '?') return test;
    this.take('?');
    const then = this.conditional();
    this.take(':');
    return { op: 'cond', test, then, else: this.conditional() };
  }

  private static readonly LEVELS = [
    ['||'],
    ['&&'],
    ['==', '!=', '<', '<=', '>', '>=', 'in'],
    ['+', '-'],
    ['*', '/', '%'],
  ];

  private binary(level: number): Node {
    if (level === Parser.LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    while (Parser.LEVELS[level].includes(this.peek() ?? '')) {
      const operator = this.take();
      left = { op: 'binary', operator, left, right: this.binary(level + 1) };
    }
    return left;
  }

  private unary(): Node {
    if (this.peek() === '!' || this.peek() === '-') {
      const operator = this.take();
      return { op: 'unary', operator, arg: this.unary() };
    }
    return this.member();
  }

  private member(): Node {
    let node = this.primary();
    for (;;) {
      if (this.peek() === '.') {
        this.take('.');
        const name = this.take();
        if (this.peek() === '(') node = { op: 'call', target: node, name, args: this.args() };
        else node = { op: 'field', target: node, name };
      } else if (this.peek() === '[') {
        this.take('[');
        const index = this.conditional();
        this.take(']');
        node = { op: 'index', target: node, index };
      } else {
        return node;
      }
    }
  }

  private args(): Node[] {
    this.take('(');
    const args: Node[] = [];
    while (this.peek() !== ')') {
      args.push(this.conditional());
      if (this.peek() === ',') this.take(',');
    }
    this.take(')');
    return args;
  }

  private primary(): Node {
    const t = this.take();
    if (t === '(') {
      const node = this.conditional();
      this.take(')');
      return node;
    }
    if (t === '[') {
      const items: Node[] = [];
      while (this.peek() !== ']') {
        items.push(this.conditional());
        if (this.peek() === ',') this.take(',');
      }
      this.take(']');
      return { op: 'list', items };
    }
    if (/^\d/.test(t)) return { op: 'lit', value: Number(t) };
    if (t.startsWith('"') || t.startsWith("'")) return { op: 'lit', value: unquote(t) };
    if (t === 'true' || t === 'false') return { op: 'lit', value: t === 'true' };
    if (t === 'null') return { op: 'lit', value: null };
    if (/^[A-Za-z_]/.test(t)) {
      if (this.peek() === '(') return { op: 'call', name: t, args: this.args() };
      return { op: 'ident', name: t };
    }
    throw new CelUnsupported(`unexpected ${t}`);
  }
}

function unquote(token: string): string {
  return token.slice(1, -1).replace(/\\(.)/g, '$1');
}

/** A runtime error of a rule (e.g. a field that is not set): the API server reports the rule as failed. */
class CelRuntimeError extends Error {}

function evaluate(node: Node, scope: Readonly<Record<string, unknown>>): unknown {
  switch (node.op) {
    case 'lit':
      return node.value;
    case 'ident':
      if (!(node.name in scope)) throw new CelUnsupported(`unknown identifier ${node.name}`);
      return scope[node.name];
    case 'field': {
      const target = evaluate(node.target, scope);
      if (typeof target !== 'object' || target === null || !(node.name in target))
        throw new CelRuntimeError(`no such key: ${node.name}`);
      return (target as Record<string, unknown>)[node.name];
    }
    case 'index': {
      const target = evaluate(node.target, scope) as Record<string, unknown>;
      const index = evaluate(node.index, scope) as string;
      if (typeof target !== 'object' || target === null || !(index in target))
        throw new CelRuntimeError(`no such key: ${index}`);
      return target[index];
    }
    case 'list':
      return node.items.map((i) => evaluate(i, scope));
    case 'cond':
      return truth(evaluate(node.test, scope)) ? evaluate(node.then, scope) : evaluate(node.else, scope);
    case 'unary': {
      const arg = evaluate(node.arg, scope);
      return node.operator === '!' ? !truth(arg) : -(arg as number);
    }
    case 'binary':
      return binary(node.operator, node.left, node.right, scope);
    case 'call':
      return call(node, scope);
  }
}

function truth(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new CelRuntimeError(`expected a bool, got ${JSON.stringify(value)}`);
  return value;
}

function binary(operator: string, leftNode: Node, rightNode: Node, scope: Readonly<Record<string, unknown>>): unknown {
  if (operator === '&&') return truth(evaluate(leftNode, scope)) && truth(evaluate(rightNode, scope));
  if (operator === '||') return truth(evaluate(leftNode, scope)) || truth(evaluate(rightNode, scope));
  const left = evaluate(leftNode, scope) as any;
  const right = evaluate(rightNode, scope) as any;
  switch (operator) {
    case '==':
      return JSON.stringify(left) === JSON.stringify(right);
    case '!=':
      return JSON.stringify(left) !== JSON.stringify(right);
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
    case 'in':
      if (Array.isArray(right)) return right.some((r) => JSON.stringify(r) === JSON.stringify(left));
      if (typeof right === 'object' && right !== null) return left in right;
      throw new CelRuntimeError(`'in' needs a list or a map`);
    case '+':
      return Array.isArray(left) ? [...left, ...right] : left + right;
    case '-':
      return left - right;
    case '*':
      return left * right;
    case '/':
      return Number.isInteger(left) && Number.isInteger(right) ? Math.trunc(left / right) : left / right;
    case '%':
      return left % right;
    default:
      throw new CelUnsupported(`operator ${operator}`);
  }
}

const MACROS = new Set(['all', 'exists', 'exists_one', 'filter', 'map']);

function call(node: Extract<Node, { op: 'call' }>, scope: Readonly<Record<string, unknown>>): unknown {
  if (node.name === 'has' && !node.target) {
    const arg = node.args[0];
    if (node.args.length !== 1 || arg.op !== 'field') throw new CelUnsupported('has() needs a field selection');
    const target = evaluate(arg.target, scope);
    return typeof target === 'object' && target !== null && arg.name in target;
  }
  if (node.target && MACROS.has(node.name)) {
    const list = evaluate(node.target, scope);
    const variable = node.args[0];
    if (node.args.length !== 2 || variable.op !== 'ident') throw new CelUnsupported(`${node.name}() macro form`);
    const items = Array.isArray(list) ? list : Object.keys(list as object);
    const each = (item: unknown) => evaluate(node.args[1], { ...scope, [variable.name]: item });
    if (node.name === 'all') return items.every((i) => truth(each(i)));
    if (node.name === 'exists') return items.some((i) => truth(each(i)));
    if (node.name === 'exists_one') return items.filter((i) => truth(each(i))).length === 1;
    if (node.name === 'filter') return items.filter((i) => truth(each(i)));
    return items.map(each);
  }
  const args = node.args.map((a) => evaluate(a, scope));
  const receiver = node.target ? evaluate(node.target, scope) : args.shift();
  switch (node.name) {
    case 'size':
      if (typeof receiver === 'string') return [...receiver].length;
      if (Array.isArray(receiver)) return receiver.length;
      if (typeof receiver === 'object' && receiver !== null) return Object.keys(receiver).length;
      throw new CelRuntimeError('size() needs a string, list or map');
    case 'startsWith':
      return String(receiver).startsWith(String(args[0]));
    case 'endsWith':
      return String(receiver).endsWith(String(args[0]));
    case 'contains':
      return String(receiver).includes(String(args[0]));
    case 'matches':
      return new RegExp(String(args[0]), 'u').test(String(receiver));
    default:
      throw new CelUnsupported(`function ${node.name}`);
  }
}

const parsed = new Map<string, Node>();

/**
 * Whether CEL rule `rule` holds with `self` bound to `value`, for the subset of CEL the
 * operators' CRDs use: literals, field selection, `has()`, `size()`, list literals, the
 * comprehension macros, string functions, logic, comparisons and the conditional. A runtime
 * error (such as selecting an unset field) fails the rule, as the API server does. Throws
 * `CelUnsupported` for anything else.
 */
export function celRuleHolds(rule: string, value: unknown): boolean {
  if (!parsed.has(rule)) parsed.set(rule, new Parser(tokenize(rule)).parse());
  try {
    return truth(evaluate(parsed.get(rule)!, { self: value }));
  } catch (error) {
    if (error instanceof CelRuntimeError) return false;
    throw error;
  }
}
