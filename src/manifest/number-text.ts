/**
 * Environment values and vars are strings; when YAML reads one as a number (unquoted), it keeps the text that was
 * written: `VERSION: 1.10` is "1.10", and `python: 3.10` does not deploy `python:3.1`, as the float 1.1 turned
 * back into a string would (likewise `1e3`, `0x1F`). A var still feeds a number where one is needed
 * (`${var:count}` with `count: 3` is 3); one written `1.0` there is refused by the schema, loudly, rather than
 * any value changing silently. Runs on the parsed document, before interpolation (whose results are strings).
 */
import { isMap, isPair, isScalar, isSeq, Scalar } from 'yaml';
import type { Path } from './source.js';

const ANY = '*';

/** Where string-valued maps live; `*` matches any key or index. */
const STRING_VALUED: readonly (readonly string[])[] = [
  ['vars', ANY],
  ['environments', ANY, 'vars', ANY],
  ...[['services', ANY], ['defaults'], ['environments', ANY, 'services', ANY], ['environments', ANY, 'defaults']].map((base) => [
    ...base,
    'environment',
    ANY,
    ANY,
  ]),
  ['before', ANY, 'environment', ANY],
  ['environments', ANY, 'before', ANY, 'environment', ANY],
];

function matches(path: Path, pattern: readonly string[]): boolean {
  return path.length === pattern.length && pattern.every((p, i) => p === ANY || p === String(path[i]));
}

/** Could the path still lead to a match (a prefix of some pattern)? Keeps the walk to the few subtrees that matter. */
function mayMatch(path: Path): boolean {
  return STRING_VALUED.some((p) => path.length <= p.length && path.every((seg, i) => p[i] === ANY || p[i] === String(seg)));
}

export function keepWrittenNumberText(contents: unknown, text: string): void {
  const walk = (node: unknown, path: Path): void => {
    if (!mayMatch(path)) return;
    if (isScalar(node)) {
      const range = node.range;
      if (typeof node.value === 'number' && node.type === Scalar.PLAIN && range && STRING_VALUED.some((p) => matches(path, p))) {
        node.value = text.slice(range[0], range[1]);
      }
    } else if (isMap(node)) {
      for (const pair of node.items) {
        if (isPair(pair) && isScalar(pair.key)) walk(pair.value, [...path, String(pair.key.value)]);
      }
    } else if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) walk(item, [...path, i]);
    }
  };
  walk(contents, []);
}
