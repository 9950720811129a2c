/**
 * A parsed YAML (or JSON) file that keeps source positions, so every issue can say FILE:LINE:COL. The document
 * is the `yaml` package's CST-backed Document; paths are lists of keys and indexes.
 */
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type YAMLError,
  type Node as YamlNode,
} from 'yaml';
import type { ManifestIssue } from '../errors/index.js';

/**
 * How often `toJS` may expand aliases (the yaml package counts uses × aliases nested in the anchor). Its default
 * of 100 refused a manifest whose 101 services share one `<<: *defaults`; 10,000 still stops a nested alias
 * bomb at its first expansion (test/fixtures/broken/alias-bomb.yaml).
 */
export const MAX_ALIAS_COUNT = 10_000;

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

export interface SourceFile {
  /** Path for messages (as given, or relative to the working directory). */
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

export interface Position {
  line: number;
  column: number;
}

/**
 * How many syntax errors are reported. After the first error the parser is lost, and what it says about the rest of
 * the file is mostly a cascade (one unclosed quote gave over a hundred errors, each quoting a following line).
 */
export const MAX_SYNTAX_ISSUES = 3;

/**
 * Parses text as YAML 1.2 (JSON is a subset), with `<<` merge keys. Syntax errors and warnings (e.g. unknown tags)
 * become issues, the first {@link MAX_SYNTAX_ISSUES} of them: ecsdeploy does not guess around a broken document.
 */
export function parseSource(file: string, text: string): { source: SourceFile; issues: ManifestIssue[] } {
  const lines = new LineCounter();
  // Duplicate keys are checked below with a set per mapping: the yaml package's own check is quadratic in the
  // size of a mapping (seconds for a few thousand services).
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false, keepSourceTokens: false, merge: true });
  const issues = syntaxIssues(file, lines, [...doc.errors, ...doc.warnings]);
  if (issues.length === 0) {
    for (const { node, message } of structureIssues(doc.contents)) {
      const pos = lines.linePos(node.range?.[0] ?? 0);
      issues.push({ file, line: pos.line, column: pos.col, path: '', message: `YAML: ${message}` });
    }
  }
  return { source: { file, doc, lines }, issues };
}

/** The first syntax errors in file order, then one line saying how many more there are (never what they quote). */
function syntaxIssues(file: string, lines: LineCounter, errors: YAMLError[]): ManifestIssue[] {
  const sorted = [...errors].sort((a, b) => a.pos[0] - b.pos[0]);
  const at = (e: YAMLError) => lines.linePos(e.pos[0]);
  const issues: ManifestIssue[] = sorted.slice(0, MAX_SYNTAX_ISSUES).map((e) => {
    const pos = at(e);
    return { file, line: pos.line, column: pos.col, path: '', message: yamlMessage(e) };
  });
  const next = sorted[MAX_SYNTAX_ISSUES];
  if (next) {
    const more = sorted.length - MAX_SYNTAX_ISSUES;
    const pos = at(next);
    const message = `YAML: ${more} more syntax error${more === 1 ? '' : 's'} from here on, most likely caused by the ones before; fix those and validate again`;
    issues.push({ file, line: pos.line, column: pos.col, path: '', message });
  }
  return issues;
}

/** Longest tag name shown in a message (a tag is syntax, but a hostile one need not fill the screen). */
const MAX_SHOWN_TAG = 40;

/**
 * The yaml package's wording, without the position it appends (already in our prefix) and without any text it
 * quotes from the file (`Unexpected scalar token in YAML stream: "..."`, `Invalid escape sequence \q`, `Block
 * scalar header includes extra characters: ...`): an error never echoes a value, which may be a secret.
 */
function yamlMessage(e: YAMLError): string {
  if (e.code === 'MULTIPLE_DOCS') return 'YAML: the file holds several documents (separated by ---); a manifest is one document';
  let text = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  // `Unexpected X in flow map` names a one-character indicator; anything longer is text from the file.
  if (e.code === 'UNEXPECTED_TOKEN') text = text.replace(/:\s[\s\S]*$/, '').replace(/^Unexpected \S{2,} in /, 'Unexpected text in ');
  if (e.code === 'BAD_DQ_ESCAPE') text = 'Invalid escape sequence in a double-quoted string';
  if (e.code === 'TAG_RESOLVE_FAILED' || e.code === 'BAD_COLLECTION_TYPE') {
    text = text.replace(/!\S+/g, (tag) => (tag.length > MAX_SHOWN_TAG ? `${tag.slice(0, MAX_SHOWN_TAG)}…` : tag));
  }
  return `YAML: ${text.replace(/\.$/, '')}`;
}

/**
 * What the yaml package leaves to `toJS()` (where it throws without a position) or checks in quadratic time:
 * keys repeated within one mapping (a set per mapping), and aliases to anchors not defined before them.
 */
function structureIssues(root: unknown): { node: YamlNode; message: string }[] {
  const out: { node: YamlNode; message: string }[] = [];
  const anchors = new Set<string>();
  const walk = (node: unknown): void => {
    if (isAlias(node)) {
      if (!anchors.has(node.source)) out.push({ node, message: `Unknown alias *${node.source} (no anchor &${node.source} before it)` });
      return;
    }
    if (node && typeof node === 'object' && 'anchor' in node && typeof node.anchor === 'string') anchors.add(node.anchor);
    if (isMap(node)) {
      const keys = new Set<string>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          const k = String(pair.key.value);
          if (keys.has(k)) out.push({ node: pair.key, message: 'Map keys must be unique' });
          keys.add(k);
        }
        walk(pair.key);
        walk(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item);
    }
  };
  walk(root);
  return out;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  if (key === null || key === undefined) return undefined;
  return typeof key === 'object' ? undefined : String(key);
}

export interface Located {
  /** The deepest node found along the path. */
  node: YamlNode | undefined;
  /** The key node of the last segment found, when it was a map key. */
  key: YamlNode | undefined;
  /** How many segments of the path exist. */
  depth: number;
}

/** Walks the document along a path, following aliases. */
export function locate(source: SourceFile, path: Path): Located {
  let node: unknown = source.doc.contents;
  let key: YamlNode | undefined;
  let depth = 0;
  let last: YamlNode | undefined = node as YamlNode | undefined;
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(source.doc);
    let next: unknown;
    let nextKey: YamlNode | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(seg));
      if (pair) {
        next = pair.value;
        nextKey = isScalar(pair.key) ? pair.key : undefined;
        // A key with an empty value (`key:`) has no value node; point at the key.
        if (next === null || next === undefined) next = pair.key;
      }
    } else if (isSeq(node) && typeof seg === 'number') {
      next = node.items[seg];
    }
    if (next === undefined || next === null) break;
    node = next;
    key = nextKey;
    last = next as YamlNode;
    depth += 1;
  }
  return { node: last, key: depth === path.length ? key : undefined, depth };
}

export function positionOf(source: SourceFile, node: YamlNode | undefined): Position {
  const offset = node?.range?.[0];
  if (offset === undefined) return { line: 1, column: 1 };
  const p = source.lines.linePos(offset);
  return { line: p.line, column: p.col };
}

/** Does the exact path exist in the document? */
export function hasPath(source: SourceFile, path: Path): boolean {
  return locate(source, path).depth === path.length;
}

const IDENT = /^[A-Za-z_$][\w$-]*$/;

/** `['services', 'web', 'steps', 1, 'weight']` → `services.web.steps[1].weight`. */
export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENT.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** An issue at a path: positioned at the path's value (or its key, when `atKey`), else at its deepest ancestor. */
export function issueAt(source: SourceFile, path: Path, message: string, atKey = false): ManifestIssue {
  const found = locate(source, path);
  const node = atKey && found.key ? found.key : found.node;
  const pos = positionOf(source, node);
  return { file: source.file, line: pos.line, column: pos.column, path: formatPath(path), message };
}
