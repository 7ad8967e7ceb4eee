/**
 * The expressions a block's inner parameters may use: numbers, the block's parameter names,
 * `+ - * / // %`, parentheses, `min(...)` and `max(...)`. A small recursive-descent parser over a
 * token list; nothing is ever handed to JavaScript's own evaluation.
 */
import type { ParamValue } from '../network/types.js';

/** A parsed expression, evaluated against the parameter values of one instance. */
export type Expression =
  | { kind: 'number'; value: number }
  | { kind: 'name'; name: string }
  | { kind: 'negate'; operand: Expression }
  | { kind: 'binary'; op: BinaryOp; left: Expression; right: Expression }
  | { kind: 'call'; fn: 'min' | 'max'; args: Expression[] };

type BinaryOp = '+' | '-' | '*' | '/' | '//' | '%';

/** A parse or evaluation problem, as the end of a sentence: the caller says which parameter it is. */
export class ExpressionError extends Error {}

/** Longest expression accepted; real ones are a few tokens. */
export const MAX_EXPRESSION_LENGTH = 256;

interface Token {
  text: string;
  at: number;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(\/\/|[-+*/%(),]))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    pattern.lastIndex = at;
    const m = pattern.exec(text);
    if (!m) {
      const where = at + (text.slice(at).length - text.slice(at).trimStart().length);
      throw new ExpressionError(`'${text}' has an unexpected '${text[where]}' at character ${where + 1}`);
    }
    const token = m[1] ?? m[2] ?? m[3]!;
    tokens.push({ text: token, at: pattern.lastIndex - token.length });
    at = pattern.lastIndex;
  }
  return tokens;
}

class Parser {
  private i = 0;
  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  private peek(): string | undefined {
    return this.tokens[this.i]?.text;
  }

  private expect(token: string): void {
    if (this.peek() !== token) throw this.unexpected(`'${token}'`);
    this.i++;
  }

  private unexpected(wanted: string): ExpressionError {
    const t = this.tokens[this.i];
    return new ExpressionError(
      t ? `'${this.text}' has '${t.text}' at character ${t.at + 1} where ${wanted} was expected` : `'${this.text}' ends where ${wanted} was expected`,
    );
  }

  /** A comma-separated list of expressions covering the whole text. */
  list(): Expression[] {
    const items = [this.sum()];
    while (this.peek() === ',') {
      this.i++;
      items.push(this.sum());
    }
    if (this.i < this.tokens.length) throw this.unexpected('an operator');
    return items;
  }

  private sum(): Expression {
    let left = this.product();
    for (let op = this.peek(); op === '+' || op === '-'; op = this.peek()) {
      this.i++;
      left = { kind: 'binary', op, left, right: this.product() };
    }
    return left;
  }

  private product(): Expression {
    let left = this.unary();
    for (let op = this.peek(); op === '*' || op === '/' || op === '//' || op === '%'; op = this.peek()) {
      this.i++;
      left = { kind: 'binary', op, left, right: this.unary() };
    }
    return left;
  }

  private unary(): Expression {
    if (this.peek() === '-') {
      this.i++;
      return { kind: 'negate', operand: this.unary() };
    }
    if (this.peek() === '+') this.i++;
    return this.primary();
  }

  private primary(): Expression {
    const t = this.peek();
    if (t === undefined) throw this.unexpected('a number, a name or (');
    if (t === '(') {
      this.i++;
      const inner = this.sum();
      this.expect(')');
      return inner;
    }
    if (/^[\d.]/.test(t)) {
      this.i++;
      return { kind: 'number', value: Number(t) };
    }
    if (/^[A-Za-z_]/.test(t)) {
      this.i++;
      if (this.peek() !== '(') return { kind: 'name', name: t };
      if (t !== 'min' && t !== 'max') throw new ExpressionError(`'${this.text}' calls '${t}'; only min(...) and max(...) are available`);
      this.i++;
      const args = [this.sum()];
      while (this.peek() === ',') {
        this.i++;
        args.push(this.sum());
      }
      this.expect(')');
      return { kind: 'call', fn: t, args };
    }
    throw this.unexpected('a number, a name or (');
  }
}

/** Parse `text` as a comma-separated list of expressions (one item for a scalar parameter). */
export function parseExpressionList(text: string): Expression[] {
  if (text.length > MAX_EXPRESSION_LENGTH) throw new ExpressionError(`the expression is ${text.length} characters long; the limit is ${MAX_EXPRESSION_LENGTH}`);
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new ExpressionError('the expression is empty');
  return new Parser(text, tokens).list();
}

/** Every parameter name an expression reads. */
export function namesIn(expr: Expression, into = new Set<string>()): Set<string> {
  switch (expr.kind) {
    case 'name':
      into.add(expr.name);
      break;
    case 'negate':
      namesIn(expr.operand, into);
      break;
    case 'binary':
      namesIn(expr.left, into);
      namesIn(expr.right, into);
      break;
    case 'call':
      for (const a of expr.args) namesIn(a, into);
      break;
    case 'number':
      break;
  }
  return into;
}

/**
 * The value of `expr` for the parameter values in `scope`. A bare name passes its value through
 * unchanged (an enum or flag parameter forwarded to an inner layer); arithmetic reads numbers, and
 * flags as 1 and 0. `//` and `%` follow Python (floor division, the sign of the divisor).
 */
export function evaluateExpression(expr: Expression, scope: Readonly<Record<string, ParamValue>>): ParamValue {
  if (expr.kind === 'name') return lookup(expr.name, scope);
  return numeric(expr, scope);
}

function lookup(name: string, scope: Readonly<Record<string, ParamValue>>): ParamValue {
  if (!Object.hasOwn(scope, name)) {
    const known = Object.keys(scope);
    throw new ExpressionError(`there is no parameter '${name}'${known.length > 0 ? `; the block has ${known.join(', ')}` : ''}`);
  }
  return scope[name]!;
}

function numeric(expr: Expression, scope: Readonly<Record<string, ParamValue>>): number {
  switch (expr.kind) {
    case 'number':
      return expr.value;
    case 'name': {
      const v = lookup(expr.name, scope);
      if (typeof v === 'number') return v;
      if (typeof v === 'boolean') return v ? 1 : 0;
      throw new ExpressionError(`'${expr.name}' is ${JSON.stringify(v)}, not a number, so it cannot be computed with`);
    }
    case 'negate':
      return -numeric(expr.operand, scope);
    case 'call': {
      const values = expr.args.map((a) => numeric(a, scope));
      return expr.fn === 'min' ? Math.min(...values) : Math.max(...values);
    }
    case 'binary': {
      const a = numeric(expr.left, scope);
      const b = numeric(expr.right, scope);
      if ((expr.op === '/' || expr.op === '//' || expr.op === '%') && b === 0) throw new ExpressionError(`it divides by zero`);
      switch (expr.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return a / b;
        case '//':
          return Math.floor(a / b);
        case '%':
          return a - b * Math.floor(a / b);
      }
    }
  }
}
