/**
 * Task definitions declared in the manifest: inline, or read from a JSON/YAML file relative to the manifest.
 * Files may hold the RegisterTaskDefinition input or the raw `aws ecs describe-task-definition` output
 * (`{"taskDefinition": {...}, "tags": [...]}`); read-only fields are stripped by the list in src/model, so newer
 * input fields pass through (peer-tools.md §8.1).
 */
import { readFileSync, statSync } from 'node:fs';
import type { ManifestIssue } from '../errors/index.js';
import { READ_ONLY_TASK_DEFINITION_FIELDS, type TaskDefinitionInput } from '../model/task-definition.js';
import { visible } from './image-reference.js';
import { type InterpolationContext, interpolateTree } from './interpolate.js';
import { ECS_NAME, formatBytes, MAX_TASK_DEFINITION_BYTES, MAX_TASK_DEFINITION_FILE_BYTES } from './limits.js';
import { issueAt, MAX_ALIAS_COUNT, type Path, parseSource, type SourceFile } from './source.js';

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Unwraps describe output and drops read-only fields. */
export function toTaskDefinitionInput(raw: Record<string, unknown>): Record<string, unknown> {
  let td = raw;
  if (isObject(raw.taskDefinition) && !('containerDefinitions' in raw)) {
    td = { ...raw.taskDefinition };
    if (Array.isArray(raw.tags) && raw.tags.length > 0 && td.tags === undefined) td.tags = raw.tags;
  } else {
    td = { ...raw };
  }
  for (const f of READ_ONLY_TASK_DEFINITION_FIELDS) delete td[f];
  // ECS types task-level cpu and memory as strings (`"256"`, `"1 vCPU"`) and its JSON protocol does not convert
  // ("STRING_VALUE cannot be converted...", aws-actions/amazon-ecs-deploy-task-definition #587); YAML reads
  // `cpu: 256` as a number, which the SDK would send as one.
  for (const f of ['cpu', 'memory'] as const) if (typeof td[f] === 'number') td[f] = String(td[f]);
  if (Array.isArray(td.containerDefinitions)) td.containerDefinitions = td.containerDefinitions.map(stringMaps);
  return td;
}

/** `true` and `5` as the strings ECS's string-to-string maps and environment values hold. */
function scalarText(v: unknown): unknown {
  return typeof v === 'boolean' || typeof v === 'number' ? String(v) : v;
}

function textValues(map: unknown): unknown {
  return isObject(map) ? Object.fromEntries(Object.entries(map).map(([k, v]) => [k, scalarText(v)])) : map;
}

/**
 * ECS holds docker labels, log and FireLens options and environment values as strings; YAML reads
 * `awslogs-create-group: true` as a boolean, which the plan would show as a change from ECS's "true" forever
 * (and the API does not convert). Booleans and numbers there become the strings they stand for.
 */
function stringMaps(c: unknown): unknown {
  if (!isObject(c)) return c;
  const out: Record<string, unknown> = { ...c };
  if (isObject(out.dockerLabels)) out.dockerLabels = textValues(out.dockerLabels);
  for (const k of ['logConfiguration', 'firelensConfiguration']) {
    const conf = out[k];
    if (isObject(conf) && isObject(conf.options)) out[k] = { ...conf, options: textValues(conf.options) };
  }
  if (Array.isArray(out.environment)) {
    out.environment = out.environment.map((e) => (isObject(e) && 'value' in e ? { ...e, value: scalarText(e.value) } : e));
  }
  return out;
}

const NAME_RULE = 'an ECS name is 1 to 255 letters, digits, hyphens and underscores';

/** The shape checks the schema makes on inline task definitions, for file contents. */
function shapeIssues(td: Record<string, unknown>, source: SourceFile, base: Path): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  if (typeof td.family !== 'string' || td.family === '') {
    issues.push(
      issueAt(source, [...base, 'family'], td.family === undefined ? 'missing required key `family`' : 'must be a non-empty string'),
    );
  } else if (!ECS_NAME.test(td.family)) {
    issues.push(issueAt(source, [...base, 'family'], `\`${visible(td.family)}\` is not valid: ${NAME_RULE}`));
  }
  const cds = td.containerDefinitions;
  if (!Array.isArray(cds) || cds.length === 0) {
    issues.push(
      issueAt(
        source,
        [...base, 'containerDefinitions'],
        cds === undefined ? 'missing required key `containerDefinitions`' : 'must be a non-empty list',
      ),
    );
  } else {
    cds.forEach((c, i) => {
      if (!isObject(c)) issues.push(issueAt(source, [...base, 'containerDefinitions', i], 'must be a mapping'));
      else if (typeof c.name !== 'string' || c.name === '')
        issues.push(issueAt(source, [...base, 'containerDefinitions', i], 'missing required key `name`'));
      else if (!ECS_NAME.test(c.name))
        issues.push(issueAt(source, [...base, 'containerDefinitions', i, 'name'], `\`${visible(c.name)}\` is not valid: ${NAME_RULE}`));
    });
  }
  return issues;
}

function fastJson(text: string): TaskDefinitionInput | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(raw)) return undefined;
  const td = toTaskDefinitionInput(raw);
  const cds = td.containerDefinitions;
  const ok =
    typeof td.family === 'string' &&
    ECS_NAME.test(td.family) &&
    Array.isArray(cds) &&
    cds.length > 0 &&
    cds.every((c) => isObject(c) && typeof c.name === 'string' && ECS_NAME.test(c.name));
  return ok ? (td as unknown as TaskDefinitionInput) : undefined;
}

export interface LoadedTaskDefinition {
  input: TaskDefinitionInput | undefined;
  issues: ManifestIssue[];
}

/**
 * Reads a task definition file. `displayPath` is used in messages; `where` is the manifest issue to report when the
 * file cannot be read at all.
 */
export function loadTaskDefinitionFile(
  absPath: string,
  displayPath: string,
  ctx: InterpolationContext,
  where: (message: string) => ManifestIssue,
): LoadedTaskDefinition {
  let text: string;
  try {
    // Before reading: a file this large cannot hold a task definition ECS accepts, and parsing it costs memory.
    const size = statSync(absPath).size;
    if (size > MAX_TASK_DEFINITION_FILE_BYTES) {
      const message = `task definition file ${displayPath} is ${formatBytes(size)}; ECS accepts a task definition of at most ${formatBytes(MAX_TASK_DEFINITION_BYTES)}`;
      return { input: undefined, issues: [where(message)] };
    }
    text = readFileSync(absPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'unreadable');
    return { input: undefined, issues: [where(`cannot read task definition file ${displayPath}: ${why}`)] };
  }
  // Fast path: plain JSON without references that passes the shape checks needs no positions (YAML parsing is
  // several times slower and sits on every command's cold start).
  if (!text.includes('${')) {
    const fast = fastJson(text);
    if (fast) return { input: fast, issues: [] };
  }
  const { source, issues } = parseSource(displayPath, text);
  if (issues.length) return { input: undefined, issues };
  const interpolation = interpolateTree(source, [], ctx);
  if (interpolation.length) return { input: undefined, issues: interpolation };
  const raw: unknown = source.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  if (!isObject(raw)) return { input: undefined, issues: [issueAt(source, [], 'a task definition file must hold a JSON object')] };
  const wrapped = isObject(raw.taskDefinition) && !('containerDefinitions' in raw);
  const td = toTaskDefinitionInput(raw);
  const shape = shapeIssues(td, source, wrapped ? ['taskDefinition'] : []);
  if (shape.length) return { input: undefined, issues: shape };
  return { input: td as unknown as TaskDefinitionInput, issues: [] };
}
