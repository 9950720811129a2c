/**
 * CloudWatch metric math, the part a gate uses: + - * / and parentheses, numbers, query ids, comparisons
 * (> >= < <= == !=), AND/OR, and FILL(x, v), IF(cond, a, b), ABS(x), SUM/AVG/MIN/MAX(x) (a series → a scalar).
 * Arithmetic between two series keeps the timestamps both have (a missing point is no data, hence FILL).
 */
import { SandboxApiError } from '../../errors.js';

export interface Series {
  /** Ascending timestamps (ms) and their values. */
  ts: number[];
  vals: number[];
}

export type MathValue = number | Series;

type Node =
  | { k: 'num'; v: number }
  | { k: 'id'; name: string }
  | { k: 'neg'; e: Node }
  | { k: 'bin'; op: string; a: Node; b: Node }
  | { k: 'call'; fn: string; args: Node[] };

function syntax(expr: string, why: string): SandboxApiError {
  return new SandboxApiError('ValidationError', `Invalid metrics math expression "${expr}": ${why}`);
}

function tokenize(expr: string): string[] {
  const out: string[] = [];
  const re = /\s*(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|[A-Za-z_][A-Za-z0-9_]*|>=|<=|==|!=|&&|\|\||[-+*/(),<>^])/y;
  let i = 0;
  while (i < expr.length) {
    if (/\s/.test(expr[i] as string)) {
      i++;
      continue;
    }
    re.lastIndex = i;
    const m = re.exec(expr);
    if (!m) throw syntax(expr, `unexpected character at ${i + 1}`);
    out.push(m[1] as string);
    i = re.lastIndex;
  }
  return out;
}

const PRECEDENCE: Record<string, number> = {
  OR: 1,
  '||': 1,
  AND: 2,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '>': 4,
  '<': 4,
  '>=': 4,
  '<=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '^': 7,
};

export function parseExpression(expr: string): Node {
  const toks = tokenize(expr);
  let p = 0;
  const peek = () => toks[p];
  const take = (t?: string) => {
    const v = toks[p];
    if (v === undefined || (t !== undefined && v !== t)) throw syntax(expr, t ? `expected "${t}"` : 'unexpected end');
    p++;
    return v;
  };
  const primary = (): Node => {
    const t = take();
    if (t === '(') {
      const e = binary(0);
      take(')');
      return e;
    }
    if (t === '-') return { k: 'neg', e: primary() };
    if (/^\d/.test(t)) return { k: 'num', v: Number(t) };
    if (/^[A-Za-z_]/.test(t)) {
      if (peek() === '(') {
        take('(');
        const args: Node[] = [];
        if (peek() !== ')') {
          args.push(binary(0));
          while (peek() === ',') {
            take(',');
            args.push(binary(0));
          }
        }
        take(')');
        return { k: 'call', fn: t.toUpperCase(), args };
      }
      return { k: 'id', name: t };
    }
    throw syntax(expr, `unexpected "${t}"`);
  };
  const binary = (minPrec: number): Node => {
    let left = primary();
    for (;;) {
      const op = peek();
      const prec = op === undefined ? undefined : PRECEDENCE[op.toUpperCase()];
      if (op === undefined || prec === undefined || prec < minPrec) break;
      take();
      const right = binary(prec + 1);
      left = { k: 'bin', op: op.toUpperCase(), a: left, b: right };
    }
    return left;
  };
  const e = binary(0);
  if (p !== toks.length) throw syntax(expr, `unexpected "${toks[p]}"`);
  return e;
}

/** Ids an expression refers to (for ordering query evaluation). */
export function referencedIds(node: Node): string[] {
  switch (node.k) {
    case 'id':
      return [node.name];
    case 'neg':
      return referencedIds(node.e);
    case 'bin':
      return [...referencedIds(node.a), ...referencedIds(node.b)];
    case 'call':
      return node.args.flatMap(referencedIds);
    default:
      return [];
  }
}

function apply(op: string, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? Number.NaN : a / b;
    case '^':
      return a ** b;
    case '>':
      return a > b ? 1 : 0;
    case '<':
      return a < b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case 'AND':
    case '&&':
      return a !== 0 && b !== 0 ? 1 : 0;
    case 'OR':
    case '||':
      return a !== 0 || b !== 0 ? 1 : 0;
    default:
      throw new SandboxApiError('ValidationError', `Unsupported operator ${op}`);
  }
}

function isSeries(v: MathValue): v is Series {
  return typeof v !== 'number';
}

function combine(a: MathValue, b: MathValue, f: (x: number, y: number) => number): MathValue {
  if (!isSeries(a) && !isSeries(b)) return f(a, b);
  if (isSeries(a) && !isSeries(b)) return { ts: [...a.ts], vals: a.vals.map((x) => f(x, b)) };
  if (!isSeries(a) && isSeries(b)) return { ts: [...b.ts], vals: b.vals.map((y) => f(a, y)) };
  const sa = a as Series;
  const sb = b as Series;
  const idx = new Map(sb.ts.map((t, i) => [t, i]));
  const out: Series = { ts: [], vals: [] };
  sa.ts.forEach((t, i) => {
    const j = idx.get(t);
    if (j !== undefined) {
      out.ts.push(t);
      out.vals.push(f(sa.vals[i] as number, sb.vals[j] as number));
    }
  });
  return out;
}

function reduce(v: MathValue, fn: string): number {
  if (!isSeries(v)) return v;
  const xs = v.vals.filter((x) => !Number.isNaN(x));
  if (!xs.length) return Number.NaN;
  switch (fn) {
    case 'SUM':
      return xs.reduce((s, x) => s + x, 0);
    case 'AVG':
      return xs.reduce((s, x) => s + x, 0) / xs.length;
    case 'MIN':
      return Math.min(...xs);
    default:
      return Math.max(...xs);
  }
}

/**
 * Evaluates an expression. `grid` is every period timestamp of the query range (FILL fills those), `lookup`
 * returns a query's result series.
 */
export function evaluate(node: Node, lookup: (id: string) => MathValue, grid: number[], expr = ''): MathValue {
  const ev = (n: Node): MathValue => evaluate(n, lookup, grid, expr);
  switch (node.k) {
    case 'num':
      return node.v;
    case 'id':
      return lookup(node.name);
    case 'neg':
      return combine(ev(node.e), -1, (x, y) => x * y);
    case 'bin':
      return combine(ev(node.a), ev(node.b), (x, y) => apply(node.op, x, y));
    case 'call': {
      const args = node.args.map(ev);
      const a0 = args[0];
      if (a0 === undefined) throw syntax(expr, `${node.fn} needs arguments`);
      switch (node.fn) {
        case 'ABS':
          return combine(a0, 0, (x) => Math.abs(x));
        case 'SUM':
        case 'AVG':
        case 'MIN':
        case 'MAX':
          return reduce(a0, node.fn);
        case 'FILL': {
          const fill = args[1];
          if (fill === undefined || isSeries(fill)) throw syntax(expr, 'FILL needs a number as its second argument');
          if (!isSeries(a0)) return a0;
          const have = new Map(a0.ts.map((t, i) => [t, a0.vals[i] as number]));
          const ts = [...new Set([...grid, ...a0.ts])].sort((x, y) => x - y);
          return { ts, vals: ts.map((t) => have.get(t) ?? fill) };
        }
        case 'IF': {
          const [c, a, b] = args;
          if (c === undefined || a === undefined) throw syntax(expr, 'IF needs a condition and a value');
          const other = b ?? Number.NaN;
          if (!isSeries(c)) return c !== 0 ? a : other;
          const pick = (v: MathValue, t: number): number | undefined => {
            if (!isSeries(v)) return v;
            const i = v.ts.indexOf(t);
            return i >= 0 ? v.vals[i] : undefined;
          };
          const out: Series = { ts: [], vals: [] };
          c.ts.forEach((t, i) => {
            const chosen = (c.vals[i] as number) !== 0 ? pick(a, t) : pick(other, t);
            if (chosen !== undefined && !Number.isNaN(chosen)) {
              out.ts.push(t);
              out.vals.push(chosen);
            }
          });
          return out;
        }
        default:
          throw syntax(expr, `unsupported function ${node.fn}`);
      }
    }
  }
}
