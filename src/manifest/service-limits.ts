/**
 * Checks of what a resolved service will send to ECS, against what ECS's API reference accepts: image references,
 * the size of the task definition, the size of a one-off task's RunTask overrides. Errors and warnings are each
 * positioned where the value was written.
 */
import type { ManifestIssue } from '../errors/index.js';
import type { OneOffTask, RepositoryImageOverride } from '../model/manifest.js';
import { splitImage } from '../model/overrides.js';
import type { TaskDefinitionInput } from '../model/task-definition.js';
import { type ImageProblem, imageProblems } from './image-reference.js';
import { formatBytes, MAX_RUN_TASK_OVERRIDES_CHARS, MAX_TASK_DEFINITION_BYTES } from './limits.js';
import type { ServiceIssue } from './rules.js';
import type { Path } from './source.js';

export interface Findings {
  issues: ManifestIssue[];
  warnings: ManifestIssue[];
}

function report(found: Findings, problems: ImageProblem[], at: (message: string) => ManifestIssue, prefix = ''): void {
  for (const p of problems) (p.severity === 'error' ? found.issues : found.warnings).push(at(`${prefix}${p.message}`));
}

export interface ServiceImages {
  key: string;
  /** `images:` as written (after overlays). */
  written: Record<string, string>;
  /** Container names whose image the command line sets (`--image NAME=...`); checked where the flag is parsed. */
  fromCommandLine: ReadonlySet<string>;
  repositoryImages: readonly RepositoryImageOverride[];
  /** The declared task definition before overrides, and its file when it has one. */
  declared: { input: TaskDefinitionInput; file?: string } | undefined;
}

/** Every image the service will register: the `images:` it writes, and the task definition's own where nothing replaces them. */
export function imageFindings(s: ServiceImages, at: ServiceIssue, found: Findings): void {
  for (const [c, image] of Object.entries(s.written)) {
    if (!s.fromCommandLine.has(c)) report(found, imageProblems(image), (message) => at(s.key, ['images', c], message));
  }
  s.declared?.input.containerDefinitions.forEach((cd, i) => {
    const image = cd.image;
    if (typeof image !== 'string' || Object.hasOwn(s.written, cd.name) || s.fromCommandLine.has(cd.name)) return;
    if (s.repositoryImages.some((r) => r.repository === splitImage(image).repository)) return;
    const file = s.declared?.file;
    const path: Path = file === undefined ? ['taskDefinition', 'containerDefinitions', i, 'image'] : ['taskDefinition'];
    report(
      found,
      imageProblems(image),
      (message) => at(s.key, path, message),
      file === undefined ? '' : `${file}: containerDefinitions[${i}].image: `,
    );
  });
}

/** RegisterTaskDefinition refuses more than 64 KiB; measured on what would be sent, overrides applied. */
export function taskDefinitionSizeIssue(key: string, td: TaskDefinitionInput, file: string | undefined, at: ServiceIssue): ManifestIssue[] {
  const bytes = Buffer.byteLength(JSON.stringify(td), 'utf8');
  if (bytes <= MAX_TASK_DEFINITION_BYTES) return [];
  const which = file === undefined ? 'the task definition' : `the task definition in ${file}`;
  return [
    at(
      key,
      ['taskDefinition'],
      `${which} is ${formatBytes(bytes)} as sent to RegisterTaskDefinition (overrides applied); ECS accepts at most ${formatBytes(MAX_TASK_DEFINITION_BYTES)}`,
    ),
  ];
}

/** The RunTask `overrides` of a one-off task, in characters as ECS counts them (the JSON of the structure). */
export function runTaskOverridesChars(task: Pick<OneOffTask, 'command' | 'environment' | 'container'>, container: string): number {
  const override = {
    name: task.container ?? container,
    ...(task.command !== undefined && { command: task.command }),
    ...(task.environment !== undefined && { environment: Object.entries(task.environment).map(([name, value]) => ({ name, value })) }),
  };
  return JSON.stringify({ containerOverrides: [override] }).length;
}

export function runTaskOverridesMessage(chars: number): string | undefined {
  if (chars <= MAX_RUN_TASK_OVERRIDES_CHARS) return undefined;
  return `the command and environment of this task take ${chars} characters as RunTask overrides; ECS accepts at most ${MAX_RUN_TASK_OVERRIDES_CHARS}`;
}
