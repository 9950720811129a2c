/**
 * Task-only families (`tasks:`): task definitions that belong to no service, resolved like a service's (same
 * sources, overrides, environments, interpolation, lookups), with what running one needs (cluster, launch type
 * or capacity providers, network configuration, platform version), inherited from `defaults:` where unset.
 * Services and tasks share one namespace, so `taskDefinitionOf`, `--service` and `ecsdeploy run` name either.
 */
import type { ManifestIssue } from '../errors/index.js';
import type { ResolvedService, ResolvedTask, TaskRunSettings } from '../model/manifest.js';
import type { JsonObject } from '../model/task-definition.js';
import { type ResolveContext, resolveDefinition } from './definition.js';
import { didYouMean } from './did-you-mean.js';
import { deepMerge } from './overlay.js';
import type { ServiceIssue } from './rules.js';
import { formatPath, hasPath, issueAt, type Path, type SourceFile } from './source.js';
import { TASK_DEFAULT_KEYS, type WrittenService, type WrittenTask, type WrittenTop } from './written.js';

/**
 * Where a value of a task was written: the environment's task, the task, the environment's defaults, the
 * defaults — the first that has the path; else the task itself, with the logical path.
 */
export function taskLocator(source: SourceFile, env: string | undefined): ServiceIssue {
  return (key, rest, message, atKey = false) => {
    const bases: Path[] = [];
    if (env !== undefined) bases.push(['environments', env, 'tasks', key]);
    bases.push(['tasks', key]);
    const candidates: Path[] = bases.map((b) => [...b, ...rest]);
    if (rest.length && TASK_DEFAULT_KEYS.includes(rest[0] as (typeof TASK_DEFAULT_KEYS)[number])) {
      if (env !== undefined) candidates.push(['environments', env, 'defaults', ...rest]);
      candidates.push(['defaults', ...rest]);
    }
    const full = candidates.find((p) => hasPath(source, p));
    if (full) return issueAt(source, full, message, atKey);
    const base = bases.find((b) => hasPath(source, b)) ?? ['tasks', key];
    return { ...issueAt(source, base, message, true), path: formatPath([...base, ...rest]) };
  };
}

/** The defaults a task inherits (not the service-only ones: a task has no desired count or strategy). */
function taskWithDefaults(defaults: WrittenService | undefined, task: WrittenTask): WrittenTask {
  const inherited: WrittenTask = {};
  for (const k of TASK_DEFAULT_KEYS) if (defaults?.[k] !== undefined) (inherited as Record<string, unknown>)[k] = defaults[k];
  return deepMerge<WrittenTask>(inherited, task);
}

/** The environment-overlaid `tasks:`, resolved. `declared`: the keys the top level declares. */
export function resolveTasks(top: WrittenTop, declared: string[], at: ServiceIssue, ctx: ResolveContext): ResolvedTask[] {
  const tasks: ResolvedTask[] = [];
  for (const [key, own] of Object.entries(top.tasks ?? {})) {
    if (!declared.includes(key) && own.taskDefinition === undefined) {
      // An environment overlay for a task that does not exist: most likely a misspelt key.
      ctx.issues.push(
        at(key, [], `no task \`${key}\` to overlay${didYouMean(key, declared)} (tasks: ${declared.join(', ') || 'none'})`, true),
      );
      continue;
    }
    tasks.push(resolveTask(key, taskWithDefaults(top.defaults, own), at, ctx));
  }
  return tasks;
}

function resolveTask(key: string, w: WrittenTask, at: ServiceIssue, ctx: ResolveContext): ResolvedTask {
  const { spec } = resolveDefinition(key, w, at, ctx);
  const td = spec.taskDefinition;
  let family = w.family ?? key;
  if (td.kind === 'declared') {
    family = td.input.family;
    if (w.family !== undefined && w.family !== family) {
      ctx.issues.push(at(key, ['family'], `family \`${w.family}\` differs from the task definition's family \`${family}\``));
    }
  }
  if (w.launchType !== undefined && w.capacityProviderStrategy !== undefined) {
    ctx.issues.push(at(key, ['capacityProviderStrategy'], 'set launchType or capacityProviderStrategy, not both', true));
  }
  const run: TaskRunSettings = {
    ...(w.launchType !== undefined && { launchType: w.launchType }),
    ...(w.capacityProviderStrategy !== undefined && { capacityProviderStrategy: structuredClone(w.capacityProviderStrategy) }),
    ...(w.networkConfiguration !== undefined && { networkConfiguration: structuredClone(w.networkConfiguration) as JsonObject }),
    ...(w.platformVersion !== undefined && { platformVersion: w.platformVersion }),
  };
  return { ...spec, family, cluster: w.cluster, run };
}

/**
 * One namespace for services and tasks (a key names one thing), and one owner per declared family: two entries
 * registering revisions of one family would each undo the other's.
 */
export function namespaceIssues(services: ResolvedService[], tasks: ResolvedTask[], at: ServiceIssue): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const serviceKeys = new Set(services.map((s) => s.key));
  const owners = new Map<string, string>();
  for (const s of services) {
    if (s.taskDefinition.kind === 'declared' && !owners.has(s.taskDefinition.input.family)) {
      owners.set(s.taskDefinition.input.family, `service \`${s.key}\``);
    }
  }
  for (const t of tasks) {
    if (serviceKeys.has(t.key)) {
      issues.push(
        at(t.key, [], `\`${t.key}\` is also a service: services and tasks share one namespace, so a key names one of them`, true),
      );
      continue;
    }
    const owner = owners.get(t.family);
    if (owner) {
      const path = t.taskDefinition.kind === 'declared' ? ['taskDefinition'] : ['family'];
      issues.push(at(t.key, path, `family \`${t.family}\` is also the task definition family of ${owner}: each family has one owner`));
    } else {
      owners.set(t.family, `task \`${t.key}\``);
    }
  }
  return issues;
}
