/**
 * The part of a service and of a task-only family (`tasks:`) that makes its task definition: the source (file,
 * inline, fromLive), images (with pinning), environment and command over it, the checks on each, and the
 * sensitive names it brings. Services and tasks resolve it the same way; `at` says where each was written.
 */
import { dirname, resolve as resolvePath } from 'node:path';
import type { ManifestIssue } from '../errors/index.js';
import type { TaskDefinitionSource, TaskDefinitionSpec } from '../model/manifest.js';
import { applyOverrides } from '../model/overrides.js';
import type { TaskDefinitionInput } from '../model/task-definition.js';
import { setOwn } from '../util/own.js';
import { displayPath, type ManifestText, stringMap } from './common.js';
import { didYouMean } from './did-you-mean.js';
import type { InterpolationContext } from './interpolate.js';
import type { ParsedOverrides } from './overrides.js';
import type { ServiceIssue } from './rules.js';
import { environmentValues, learnSecrets, taskDefinitionValues } from './secrets.js';
import { imageFindings, taskDefinitionSizeIssue } from './service-limits.js';
import { loadTaskDefinitionFile, toTaskDefinitionInput } from './task-definition-source.js';
import type { WrittenImage, WrittenService } from './written.js';

/** What resolving one environment's services and tasks shares. */
export interface ResolveContext {
  m: ManifestText;
  o: ParsedOverrides;
  tdCtx: InterpolationContext;
  issues: ManifestIssue[];
  /** Declared task definitions' container names, per service or task key. */
  containersOf: Map<string, string[]>;
  usedContainerImages: Set<string>;
  warnings: ManifestIssue[];
  matchedRepositories: Set<string>;
  anyLive: boolean;
}

/** The keys of a service that make its task definition (a task entry has the same ones). */
export type WrittenDefinition = Pick<
  WrittenService,
  'taskDefinition' | 'images' | 'pinImages' | 'environment' | 'command' | 'sensitive' | 'ignoreTags'
>;

/** The task definition spec of `key`; `resolved`: its task definition source could be read (else issues say why). */
export function resolveDefinition(
  key: string,
  w: WrittenDefinition,
  at: ServiceIssue,
  ctx: ResolveContext,
): { spec: TaskDefinitionSpec; resolved: boolean } {
  const { issues, o } = ctx;
  let td = resolveTaskDefinition(key, w, at, ctx);
  const declared = td?.kind === 'declared' ? td : undefined;
  const containers = declared?.input.containerDefinitions.map((c) => c.name);
  if (containers) ctx.containersOf.set(key, containers);
  const written = imageReferences(w.images);
  const images: Record<string, string> = { ...written };
  const pinByDefault = w.pinImages === true;
  const pinned = new Set(Object.keys(written).filter((c) => pinOf(w.images?.[c], pinByDefault)));
  for (const [c, image] of Object.entries(o.containerImages)) {
    // `--image NAME=...` applies to the services that have container NAME (fromLive ones: maybe, the plan checks).
    if (containers === undefined || containers.includes(c)) {
      setOwn(images, c, image);
      ctx.usedContainerImages.add(c);
      // The manifest's entry for the container says whether its image is pinned, whatever replaces the image.
      if (pinOf(Object.hasOwn(w.images ?? {}, c) ? w.images?.[c] : undefined, pinByDefault)) pinned.add(c);
    }
  }
  const environment = Object.fromEntries(Object.entries(w.environment ?? {}).map(([c, vs]) => [c, stringMap(vs)]));
  const command = Object.fromEntries(Object.entries(w.command ?? {}).map(([c, cmd]) => [c, [...cmd]]));

  /** Repositories of `--image REPO:TAG` that match no container here (known for declared task definitions). */
  let unmatched: string[] = [];
  if (td?.kind === 'declared') {
    const r = applyOverrides(td.input, { images, repositoryImages: o.repositoryImages, environment, command });
    for (const c of r.unknownContainers) {
      for (const k of ['images', 'environment', 'command'] as const) {
        if (!w[k] || !Object.hasOwn(w[k] as object, c)) continue;
        const known = containers ?? [];
        const message = `no container \`${c}\` in task definition \`${td.input.family}\`${didYouMean(c, known)} (containers: ${known.join(', ')})`;
        issues.push(at(key, [k, c], message, true));
      }
    }
    for (const rep of o.repositoryImages)
      if (!r.unmatchedRepositories.includes(rep.repository)) ctx.matchedRepositories.add(rep.repository);
    unmatched = r.unmatchedRepositories;
    td = { ...td, input: r.taskDefinition };
    issues.push(...taskDefinitionSizeIssue(key, td.input, td.file, at));
  }
  // What pinImages pins: the images this definition sets, by container, and the `--image REPO:TAG` that reach it.
  const pin = [
    ...new Set([
      ...Object.entries(images).flatMap(([c, image]) => (pinned.has(c) ? [image] : [])),
      ...(pinByDefault ? o.repositoryImages.filter((r) => !unmatched.includes(r.repository)).map((r) => r.image) : []),
    ]),
  ];
  const fromCommandLine = new Set(Object.keys(o.containerImages));
  imageFindings({ key, written, fromCommandLine, repositoryImages: o.repositoryImages, declared }, at, ctx);

  const spec: TaskDefinitionSpec = {
    key,
    taskDefinition: td ?? { kind: 'live' },
    images,
    repositoryImages: o.repositoryImages.map((r) => ({ ...r })),
    environment,
    command,
    sensitive: [
      ...new Set([
        ...(w.sensitive ?? []),
        ...learnSecrets(environmentValues(environment), w.sensitive ?? []),
        ...(td?.kind === 'declared' ? learnSecrets(taskDefinitionValues(td.input), w.sensitive ?? []) : []),
      ]),
    ],
    ignoreTags: [...(w.ignoreTags ?? [])],
    ...(pin.length > 0 && { pin }),
  };
  return { spec, resolved: td !== undefined };
}

function resolveTaskDefinition(key: string, w: WrittenDefinition, at: ServiceIssue, ctx: ResolveContext): TaskDefinitionSource | undefined {
  const td = w.taskDefinition;
  if (td === undefined) {
    ctx.issues.push(
      at(key, [], 'missing required key `taskDefinition` (a file path, an inline task definition, or { fromLive: true })', true),
    );
    return undefined;
  }
  if (typeof td === 'string') {
    const abs = resolvePath(dirname(ctx.m.absolute), td);
    const shown = displayPath(ctx.m.cwd, abs);
    const loaded = loadTaskDefinitionFile(abs, shown, ctx.tdCtx, (msg) => at(key, ['taskDefinition'], msg));
    ctx.issues.push(...loaded.issues);
    return loaded.input ? { kind: 'declared', input: loaded.input, file: shown } : undefined;
  }
  if ('fromLive' in td) {
    ctx.anyLive = true;
    return { kind: 'live' };
  }
  return { kind: 'declared', input: toTaskDefinitionInput(td) as unknown as TaskDefinitionInput };
}

/** `images:` as references (an entry may be `{ image, pin }`). */
function imageReferences(images: Record<string, WrittenImage> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [c, v] of Object.entries(images ?? {})) setOwn(out, c, typeof v === 'string' ? v : v.image);
  return out;
}

/** Is this `images:` entry pinned: its own `pin`, else the definition's `pinImages`. */
function pinOf(entry: WrittenImage | undefined, byDefault: boolean): boolean {
  return typeof entry === 'object' && entry.pin !== undefined ? entry.pin : byDefault;
}
