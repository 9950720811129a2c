/**
 * FilterLogEvents' filter patterns for unstructured events (CloudWatch Logs user guide, "Filter pattern syntax"):
 * terms that must all appear (case-sensitive), `"quoted phrases"`, `?term` (any of the `?` terms), `-term` (must
 * not appear). JSON (`{ $.level = ... }`), space-delimited (`[ip, user, ...]`) and regular-expression (`%...%`)
 * patterns are refused with InvalidParameterException: the sandbox does not evaluate them, and matching nothing
 * (or everything) would be a silent lie.
 */
import { SandboxApiError } from '../../errors.js';

interface Term {
  text: string;
  kind: 'all' | 'any' | 'none';
}

function terms(pattern: string): Term[] {
  const out: Term[] = [];
  const re = /([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g;
  for (const m of pattern.matchAll(re)) {
    const sign = m[1] ?? '';
    const text = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
    out.push({ text, kind: sign === '?' ? 'any' : sign === '-' ? 'none' : 'all' });
  }
  return out;
}

/** A predicate over a message for a filter pattern; `undefined` or blank matches every event. */
export function filterPatternMatcher(pattern: string | undefined): (message: string) => boolean {
  const p = (pattern ?? '').trim();
  if (p === '') return () => true;
  if (p.startsWith('{') || p.startsWith('[') || p.startsWith('%')) {
    throw new SandboxApiError(
      'InvalidParameterException',
      'The sandbox evaluates term filter patterns only ("quoted phrases", ?any, -excluded); JSON, space-delimited and regular-expression patterns are not supported.',
    );
  }
  const all = terms(p);
  const must = all.filter((t) => t.kind === 'all');
  const any = all.filter((t) => t.kind === 'any');
  const none = all.filter((t) => t.kind === 'none');
  return (message) =>
    must.every((t) => message.includes(t.text)) &&
    (any.length === 0 || any.some((t) => message.includes(t.text))) &&
    none.every((t) => !message.includes(t.text));
}
