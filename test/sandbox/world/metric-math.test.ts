import { describe, expect, it } from 'vitest';
import { evaluate, parseExpression, type Series } from '../../../src/sandbox/world/cloudwatch/metric-math.js';
import { SandboxApiError } from '../../../src/sandbox/world/index.js';

const s = (pairs: [number, number][]): Series => ({ ts: pairs.map((p) => p[0]), vals: pairs.map((p) => p[1]) });

function ev(expr: string, vars: Record<string, Series | number> = {}, grid: number[] = []) {
  return evaluate(
    parseExpression(expr),
    (id) => {
      const v = vars[id];
      if (v === undefined) throw new Error(`no ${id}`);
      return v;
    },
    grid,
    expr,
  );
}

describe('metric math', () => {
  it('follows arithmetic precedence, parentheses and unary minus', () => {
    expect(ev('1 + 2 * 3')).toBe(7);
    expect(ev('(1 + 2) * 3')).toBe(9);
    expect(ev('10 - 4 - 3')).toBe(3);
    expect(ev('100 / 4 / 5')).toBe(5);
    expect(ev('-2 * 3')).toBe(-6);
    expect(ev('2 > 1 AND 1 > 2')).toBe(0);
    expect(ev('2 > 1 OR 1 > 2')).toBe(1);
  });

  it('combines series on the timestamps both have, and FILL fills the query grid', () => {
    const err = s([[120, 5]]);
    const req = s([
      [60, 100],
      [120, 50],
    ]);
    expect(ev('100 * err / req', { err, req })).toEqual(s([[120, 10]]));
    expect(ev('100 * FILL(err, 0) / req', { err, req }, [60, 120])).toEqual(
      s([
        [60, 0],
        [120, 10],
      ]),
    );
  });

  it('IF picks per timestamp, SUM/AVG/MIN/MAX reduce a series to a number, ABS keeps the series', () => {
    const req = s([
      [60, 0],
      [120, 50],
    ]);
    expect(ev('IF(req > 0, 1, 2)', { req })).toEqual(
      s([
        [60, 2],
        [120, 1],
      ]),
    );
    expect(ev('SUM(req)', { req })).toBe(50);
    expect(ev('AVG(req)', { req })).toBe(25);
    expect(ev('MIN(req) + MAX(req)', { req })).toBe(50);
    expect(ev('ABS(0 - req)', { req })).toEqual(req);
  });

  it('rejects malformed expressions and unknown functions as ValidationError', () => {
    for (const bad of ['1 +', '(1', 'NOPE(1)', '1 $ 2']) {
      let error: unknown;
      try {
        ev(bad);
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(SandboxApiError);
      expect((error as SandboxApiError).code).toBe('ValidationError');
    }
  });
});
