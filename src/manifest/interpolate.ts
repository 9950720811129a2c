/**
 * `${env:NAME}`, `${env:NAME:-default}`, `${var:NAME}` (also with `:-default`) in string scalars, in place on
 * the YAML document so positions survive. Keys are never interpolated, nothing is ever run by a shell, and `$${`
 * is a literal `${`. Values never appear in messages (they may be secrets).
 *
 * Lookups (`${ssm:...}`, `${ssm-arn:...}`, `${secretsmanager-arn:...}`, `${tfstate:...}`, `${cfn:...}`) are read from
 * AWS by the live step, not here: each becomes its value when one was read, else a placeholder recorded with its
 * position (lookup-sites.ts). Their keys may hold references: `${ssm:/shop/${var:env}/db-host}`.
 */
import { type Document, isAlias, isMap, isNode, isPair, isScalar, isSeq, Scalar, visit } from 'yaml';
import type { ManifestIssue } from '../errors/index.js';
import { ownValue } from '../util/own.js';
import { looksSensitive, rememberSecret } from '../util/redact.js';
import { holdsPlaceholder, type LookupCollector, type SitePosition } from './lookup-sites.js';
import { isLookupKind, parseLookup } from './lookup-syntax.js';
import { formatPath, issueAt, type Path, positionOf, type SourceFile } from './source.js';

export interface InterpolationContext {
  env: Record<string, string | undefined>;
  /** Variables; undefined when `${var:...}` is not allowed here (inside `vars:` themselves). */
  vars: Record<string, string> | undefined;
  /** Where lookups go (their values, or placeholders); undefined where lookups cannot be used. */
  lookups?: LookupCollector;
  /** Where the text being expanded is written: the position of a lookup at index `at` of the scalar's text. */
  siteAt?: (at: number) => SitePosition;
  /** Set while the name of a lookup is expanded (a lookup cannot be inside another one's name). */
  inLookupName?: true;
}

const REF = /^(env|var):([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;
const WHOLE_REF = /^\$\{[^}]*\}$/;

/** On failure, `at` is the index in the text of the reference that failed. */
type Expanded = { ok: true; value: string } | { ok: false; message: string; at: number };

/** Defaults may nest references (`${env:A:-${env:B:-x}}`); deeper than this is a mistake, not a configuration. */
const MAX_NESTING = 8;

/** `${ssm:...}` and the other lookups: the kind, and the rest (which may hold references). */
const LOOKUP = /^([a-z][a-z-]*):([\s\S]*)$/;

const REFERENCE_HELP =
  `use \${env:NAME}, \${env:NAME:-default}, \${var:NAME} or a lookup (\${ssm:/path}, \${ssm-arn:/path}, ` +
  `\${secretsmanager-arn:NAME}, \${tfstate:ADDRESS}, \${cfn:STACK.OutputKey}) (write \`$\${\` for a literal \`\${\`)`;

/**
 * Expands every reference in `text`. `base` is where `text` starts in the scalar's own text (defaults are
 * expanded on their own), so lookups can say where they are written.
 */
export function expand(text: string, ctx: InterpolationContext, depth = 0, base = 0): Expanded {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      out += text[i];
      i += 1;
      continue;
    }
    const end = closingBrace(text, i + 2);
    if (end < 0) return { ok: false, at: i, message: 'unterminated `${` (write `$${` for a literal `${`)' };
    const expr = text.slice(i + 2, end);
    const m = REF.exec(expr);
    if (!m) {
      const lookup = LOOKUP.exec(expr);
      if (lookup && isLookupKind(lookup[1] as string)) {
        const r = expandLookup(lookup[1] as Parameters<typeof parseLookup>[0], lookup[2] as string, ctx, depth, base + i);
        if (!r.ok) return { ...r, at: r.at - base };
        out += r.value;
        i = end + 1;
        continue;
      }
      return { ok: false, at: i, message: `unknown reference \`\${${expr}}\`: ${REFERENCE_HELP}` };
    }
    const [, kind, name, fallback] = m as unknown as [string, 'env' | 'var', string, string | undefined];
    if (kind === 'var' && ctx.vars === undefined) {
      return { ok: false, at: i, message: `\`\${var:${name}}\` cannot be used inside vars: (vars may use \${env:NAME})` };
    }
    // Only what was defined: `${var:toString}` must not find the method every object inherits.
    const v = ownValue(kind === 'env' ? ctx.env : ctx.vars, name);
    // Shell semantics: `:-` also replaces an empty environment variable.
    const useFallback = v === undefined || (kind === 'env' && v === '' && fallback !== undefined);
    if (v !== undefined && !useFallback) {
      // `${env:API_TOKEN}` is a secret wherever it lands (a command argument, a variable of another name).
      // (A variable that holds a lookup not read yet has no value to remember until it is read.)
      if (looksSensitive(name) && !holdsPlaceholder(v)) rememberSecret(v);
      out += v;
    } else if (fallback !== undefined) {
      // The default may itself hold references (`${env:A:-${env:B}}`, as in a shell); expanded only when used.
      if (depth >= MAX_NESTING) {
        return { ok: false, at: i, message: `references nested more than ${MAX_NESTING} deep in defaults` };
      }
      const offset = i + 2 + expr.indexOf(':-') + 2;
      const inner = expand(fallback, ctx, depth + 1, base + offset);
      if (!inner.ok) return { ...inner, at: offset + inner.at };
      out += inner.value;
    } else if (kind === 'env') {
      return {
        ok: false,
        at: i,
        message: `environment variable ${name} is not set (used as \`\${env:${name}}\`; give a default with \`\${env:${name}:-VALUE}\`)`,
      };
    } else {
      return {
        ok: false,
        at: i,
        message: `variable ${name} is not defined (used as \`\${var:${name}}\`; define it under vars: or pass --var ${name}=VALUE)`,
      };
    }
    i = end + 1;
  }
  return { ok: true, value: out };
}

/**
 * A lookup at index `at` of the scalar: its key's references expanded (no lookups inside a lookup), its syntax
 * checked, then its value or a placeholder. Failures carry `at` relative to the scalar.
 */
function expandLookup(
  kind: Parameters<typeof parseLookup>[0],
  rawKey: string,
  ctx: InterpolationContext,
  depth: number,
  at: number,
): Expanded {
  if (ctx.inLookupName) return { ok: false, at, message: `a lookup cannot be inside another lookup's name` };
  if (!ctx.lookups || !ctx.siteAt) {
    return { ok: false, at, message: `\`\${${kind}:...}\` cannot be used here: lookups are read from AWS when a command reads live state` };
  }
  const keyAt = at + 2 + kind.length + 1;
  const key = expand(rawKey, { env: ctx.env, vars: ctx.vars, inLookupName: true }, depth + 1, keyAt);
  if (!key.ok) return { ok: false, at: keyAt + key.at, message: key.message };
  // A variable that holds a lookup is read with the others; a name made from it would be known only after.
  if (ctx.lookups.holdsPlaceholder(key.value)) {
    return { ok: false, at, message: `the name of a \`\${${kind}:...}\` lookup cannot use a variable that holds a lookup` };
  }
  const parsed = parseLookup(kind, key.value);
  if (!parsed.ok) return { ok: false, at, message: parsed.message };
  return { ok: true, value: ctx.lookups.place(parsed.lookup, parsed.text, ctx.siteAt(at)) };
}

/**
 * Index of the `}` that closes the reference whose body starts at `from`, skipping the braces of references
 * (and literal `$${...}`) nested in a default; -1 when there is none.
 */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let j = from; j < text.length; j++) {
    // a literal `$${x}` in a default is balanced too: its `}` is text, not the end of the reference
    if (text.startsWith('$${', j) || text.startsWith('${', j)) {
      depth++;
      j = text.indexOf('{', j);
    } else if (text[j] === '}') {
      if (depth === 0) return j;
      depth--;
    }
  }
  return -1;
}

/**
 * Where index `at` of a one-line scalar's value is in the file, when the scalar's source text matches its value
 * up to there (no escapes or folded lines); else undefined (callers fall back to the scalar's start).
 */
function positionInside(source: SourceFile, node: Scalar, raw: string, at: number): { line: number; column: number } | undefined {
  const start = node.range?.[0];
  if (start === undefined || raw.includes('\n')) return undefined;
  const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
  if (!quoted && node.type !== Scalar.PLAIN) return undefined;
  if (quoted && /['"\\]/.test(raw.slice(0, at))) return undefined;
  const pos = source.lines.linePos(start + (quoted ? 1 : 0) + at);
  return { line: pos.line, column: pos.col };
}

/** Moves an issue from the start of a one-line scalar to the reference that failed. */
function pointInside(source: SourceFile, node: Scalar, raw: string, at: number, issue: ManifestIssue): ManifestIssue {
  const pos = positionInside(source, node, raw, at);
  return pos ? { ...issue, ...pos } : issue;
}

/**
 * Plain (unquoted) scalars that are one whole reference take the type the value reads as: `${var:count}` → 3.
 * Only when the number reads back as the same text: `1.10` (a version) must not become 1.1, nor
 * 12345678901234567890 lose digits, since environment values are turned back into strings.
 */
function typed(value: string): string | number | boolean {
  if (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(value) && String(Number(value)) === value) return Number(value);
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

/**
 * Scalars already interpolated, across the passes over one document (vars first, then the rest): a value must
 * never be expanded twice (`$${x}` would become `${x}`, then an error). Cloned documents have new nodes.
 */
const interpolated = new WeakSet<object>();

/**
 * What each alias of the document refers to: the last anchor of its name before it, as YAML says. One pass, where
 * the yaml package's own `Alias.resolve` walks the whole document for every alias (quadratic on large files).
 */
function aliasTargets(doc: Document.Parsed): Map<unknown, unknown> {
  const latest = new Map<string, unknown>();
  const targets = new Map<unknown, unknown>();
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) targets.set(node, latest.get(node.source));
      else if (isNode(node) && node.anchor) latest.set(node.anchor, node);
    },
  });
  return targets;
}

/**
 * Interpolates every string scalar under `root` (a path into the document) except subtrees for which `skip`
 * says so. Returns one issue per failing scalar. An alias is followed to its anchor, so an anchor defined in
 * a part that is skipped (another environment) is still interpolated where it is used here.
 */
export function interpolateTree(
  source: SourceFile,
  root: Path,
  ctx: InterpolationContext,
  skip: (path: Path) => boolean = () => false,
  noLookups: (path: Path) => string | undefined = () => undefined,
): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const seen = new Set<unknown>();
  const aliases: { node: unknown; path: Path }[] = [];
  const walk = (node: unknown, path: Path): void => {
    if (skip(path)) return;
    if (isAlias(node)) {
      // Anchors are usually defined where the walk reaches them anyway (then with their own path, for
      // messages); the ones it does not reach are walked after, from here.
      aliases.push({ node, path });
      return;
    }
    if (seen.has(node)) return;
    seen.add(node);
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        walk(pair.value, [...path, k]);
      }
    } else if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) walk(item, [...path, i]);
    } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('$') && !interpolated.has(node)) {
      interpolated.add(node);
      const raw = node.value;
      const siteAt = (at: number) => {
        const { line, column } = positionInside(source, node, raw, at) ?? positionOf(source, node);
        return { file: source.file, line, column, path: formatPath(path) };
      };
      const placed = ctx.lookups?.placed ?? 0;
      const r = expand(raw, { ...ctx, siteAt });
      if (!r.ok) {
        issues.push(pointInside(source, node, raw, r.at, issueAt(source, path, r.message)));
        return;
      }
      if (ctx.lookups) {
        const holds = ctx.lookups.holdsPlaceholder(r.value);
        const refused = holds || ctx.lookups.placed > placed ? noLookups(path) : undefined;
        if (refused) {
          issues.push(pointInside(source, node, raw, raw.indexOf('${'), issueAt(source, path, refused)));
          return;
        }
        // Problems with this value wait until it is read (a placeholder is no valid ARN, name or image).
        if (holds) ctx.lookups.landedAt(source.file, formatPath(path));
      }
      node.value = node.type === Scalar.PLAIN && WHOLE_REF.test(raw) ? typed(r.value) : r.value;
    }
  };
  const walkAll = (node: unknown, path: Path): void => {
    walk(node, path);
    if (aliases.length === 0) return;
    const targets = aliasTargets(source.doc);
    for (let i = 0; i < aliases.length; i++) {
      const { node: alias, path: at } = aliases[i] as { node: unknown; path: Path };
      const target = targets.get(alias);
      if (target) walk(target, at);
    }
  };
  let start: unknown = source.doc.contents;
  for (const seg of root) {
    start = isMap(start) ? start.get(seg, true) : isSeq(start) && typeof seg === 'number' ? start.items[seg] : undefined;
    if (start === undefined) return issues;
  }
  walkAll(start, root);
  return issues;
}
