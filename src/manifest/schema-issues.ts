/** Turns ajv errors into manifest issues with positions, readable messages and "did you mean" hints. */
import type { ErrorObject } from 'ajv';
import type { ManifestIssue } from '../errors/index.js';
import { didYouMean } from './did-you-mean.js';
import { visible } from './image-reference.js';
import { ECS_NAME_PATTERN } from './limits.js';
import {
  CLUSTER_PATTERN,
  DISPLAY_NAME_PATTERN,
  DURATION_PATTERN,
  EVENT_BUS_PATTERN,
  EVENTBRIDGE_NAME_PATTERN,
  REGION_PATTERN,
  SERVICE_PATTERN,
  TAG_PATTERN,
} from './schema.js';
import { issueAt, type Path, type PathSegment, type SourceFile } from './source.js';

function pointerToPath(pointer: string, data: unknown): PathSegment[] {
  const out: PathSegment[] = [];
  let node: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const asIndex = Array.isArray(node) ? Number(seg) : Number.NaN;
    const s: PathSegment = Number.isInteger(asIndex) ? asIndex : seg;
    out.push(s);
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[String(s)] : undefined;
  }
  return out;
}

function valueAt(data: unknown, path: Path): unknown {
  let node = data;
  for (const seg of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[String(seg)];
  }
  return node;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number') return Number.isInteger(v) ? 'a whole number' : 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return 'a string';
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'null',
};

function typeWords(type: unknown): string {
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => TYPE_WORDS[String(t)] ?? String(t)).join(' or ');
}

function show(v: unknown): string {
  return `\`${typeof v === 'string' ? visible(v) : JSON.stringify(v)}\``;
}

/** What the schema's name patterns mean, in words (the regular expression itself helps nobody). */
export const PATTERN_WORDS: Record<string, string> = {
  [ECS_NAME_PATTERN]: 'an ECS name is 1 to 255 letters, digits, hyphens and underscores',
  [CLUSTER_PATTERN]: 'a cluster is a name of 1 to 255 letters, digits, hyphens and underscores, or a cluster ARN',
  [SERVICE_PATTERN]: 'a service is a name of 1 to 255 letters, digits, hyphens and underscores, or a service ARN',
  [REGION_PATTERN]: 'a region looks like us-east-1',
  [TAG_PATTERN]: 'tags hold letters, digits, spaces and + - = . _ : / @ only',
  [EVENTBRIDGE_NAME_PATTERN]: 'EventBridge rule names and target ids are 1 to 64 letters, digits, . - and _',
  [EVENT_BUS_PATTERN]: 'an event bus is a name of letters, digits, / . - and _, or an event bus ARN',
  [DISPLAY_NAME_PATTERN]: 'a name of 1 to 255 characters, none of them control or invisible formatting characters',
};

function patternWords(pattern: unknown): string {
  return PATTERN_WORDS[String(pattern)] ?? `it must match the pattern ${String(pattern)}`;
}

/** "a whole number >= 0 or `autoscaling`" from an anyOf's branches. */
function describeAnyOf(branchSchemas: unknown): string {
  const branches: Record<string, unknown>[] = Array.isArray(branchSchemas) ? branchSchemas : [];
  const parts = branches.map((b: Record<string, unknown>) => {
    if ('const' in b) return show(b.const);
    if (b.pattern === DURATION_PATTERN) return 'a duration such as 5m';
    let w = typeWords(b.type);
    if (typeof b.minimum === 'number' && typeof b.maximum === 'number') w += ` from ${b.minimum} to ${b.maximum}`;
    else if (typeof b.minimum === 'number') w += ` >= ${b.minimum}`;
    return w;
  });
  return parts.length ? `must be ${parts.join(' or ')}` : 'does not match any allowed form';
}

export function schemaIssues(errors: ErrorObject[], data: unknown, source: SourceFile): ManifestIssue[] {
  // Branch errors of a failed anyOf are summed up by the anyOf's own message. schemaPath is relative to the
  // compiled sub-schema ($defs are compiled apart), so match on the instance path too.
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf').map((e) => ({ at: e.instancePath, prefix: `${e.schemaPath}/` }));
  const issues: ManifestIssue[] = [];
  for (const e of errors) {
    // `if` only says "the then-branch failed"; the branch's own errors say why.
    if (e.keyword === 'if' || e.keyword === 'propertyNames') continue;
    if (anyOfs.some((a) => a.at === e.instancePath && e.schemaPath.startsWith(a.prefix))) continue;
    const path = pointerToPath(e.instancePath, data);
    const value = valueAt(data, path);
    const propertyName = (e as ErrorObject & { propertyName?: string }).propertyName;
    if (propertyName !== undefined) {
      const rule =
        e.keyword === 'pattern' && PATTERN_WORDS[String(e.params.pattern)]
          ? `: ${patternWords(e.params.pattern)}`
          : e.keyword === 'pattern'
            ? ` (names must match ${e.params.pattern})`
            : e.keyword === 'maxLength'
              ? ` (at most ${e.params.limit} characters)`
              : '';
      issues.push(issueAt(source, [...path, propertyName], `invalid name ${show(propertyName)}${rule}`, true));
      continue;
    }
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = String(e.params.additionalProperty);
        const parent = e.parentSchema as { properties?: Record<string, unknown> } | undefined;
        const known = Object.keys(parent?.properties ?? {});
        issues.push(issueAt(source, [...path, key], `unknown key ${show(key)}${didYouMean(key, known)}`, true));
        break;
      }
      case 'required': {
        const key = String(e.params.missingProperty);
        const strategy = path.at(-1) === 'strategy' && value && typeof value === 'object' ? (value as { type?: unknown }).type : undefined;
        const why = typeof strategy === 'string' ? ` (needed by strategy type ${strategy})` : '';
        issues.push(issueAt(source, path, `missing required key ${show(key)}${why}`));
        break;
      }
      case 'type':
        if ((e.parentSchema as { pattern?: string } | undefined)?.pattern === DURATION_PATTERN) {
          const hint = typeof value === 'number' ? `, e.g. ${value}s` : '';
          issues.push(
            issueAt(source, path, `${show(value)} is not a duration: give it a unit${hint} (durations look like 30s, 5m, 1h or 1h30m)`),
          );
        } else issues.push(issueAt(source, path, `must be ${typeWords(e.params.type)}, not ${kindOf(value)}`));
        break;
      case 'enum': {
        const allowed = (e.params.allowedValues as unknown[]).map(String);
        const hint = typeof value === 'string' ? didYouMean(value, allowed) : '';
        issues.push(issueAt(source, path, `must be one of ${allowed.map(show).join(', ')}, not ${show(value)}${hint}`));
        break;
      }
      case 'const':
        issues.push(issueAt(source, path, `must be ${show(e.params.allowedValue)}, not ${show(value)}`));
        break;
      case 'anyOf':
        issues.push(issueAt(source, path, `${describeAnyOf(e.schema)}, not ${show(value)}`));
        break;
      case 'pattern':
        issues.push(
          issueAt(
            source,
            path,
            e.params.pattern === DURATION_PATTERN
              ? `${show(value)} is not a duration: write it like 30s, 5m, 1h or 1h30m`
              : PATTERN_WORDS[String(e.params.pattern)]
                ? `${show(value)} is not valid: ${patternWords(e.params.pattern)}`
                : `${show(value)} does not match the pattern ${e.params.pattern}`,
          ),
        );
        break;
      case 'minItems':
        issues.push(issueAt(source, path, `must have at least ${e.params.limit} item${e.params.limit === 1 ? '' : 's'}`));
        break;
      case 'minProperties':
        issues.push(issueAt(source, path, `must have at least ${e.params.limit} entr${e.params.limit === 1 ? 'y' : 'ies'}`));
        break;
      case 'maxProperties':
        issues.push(
          issueAt(
            source,
            path,
            `must have at most ${e.params.limit} entr${e.params.limit === 1 ? 'y' : 'ies'}, not ${Object.keys(value ?? {}).length}`,
          ),
        );
        break;
      case 'minLength':
        issues.push(issueAt(source, path, 'must not be empty'));
        break;
      case 'maxLength':
        issues.push(issueAt(source, path, `must be at most ${e.params.limit} characters long, not ${String(value).length}`));
        break;
      case 'maxItems':
        issues.push(issueAt(source, path, `must have at most ${e.params.limit} items, not ${Array.isArray(value) ? value.length : '?'}`));
        break;
      case 'uniqueItems':
        issues.push(issueAt(source, path, `must not repeat items (items ${e.params.j} and ${e.params.i} are the same)`));
        break;
      case 'minimum':
      case 'maximum':
        issues.push(issueAt(source, path, `must be ${e.keyword === 'minimum' ? '>=' : '<='} ${e.params.limit}, not ${show(value)}`));
        break;
      default:
        issues.push(issueAt(source, path, e.message ?? `fails ${e.keyword}`));
    }
  }
  return issues;
}
