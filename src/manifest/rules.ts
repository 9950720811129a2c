/**
 * Rules the schema cannot express. Each takes resolved values plus a function that turns a path into a
 * positioned issue, so the rule does not care where (defaults, service, environment) a value was written.
 */
import type { ManifestIssue } from '../errors/index.js';
import type { ResolvedService } from '../model/manifest.js';
import { didYouMean } from './did-you-mean.js';
import type { Path } from './source.js';

/** Positions an issue for a path relative to a service (`['deployment', 'maximumPercent']`). */
export type ServiceIssue = (key: string, rest: Path, message: string, atKey?: boolean) => ManifestIssue;

/**
 * aws-semantics.md §1.2: minHealthy = ceil(desired × min / 100), maxTasks = floor(desired × max / 100). The
 * scheduler can make progress iff it may start a task (maxTasks > desired) or stop one (minHealthy < desired).
 */
export function percentsAllowProgress(desired: number, minPercent: number, maxPercent: number): boolean {
  if (desired === 0) return true;
  const minHealthy = Math.ceil((desired * minPercent) / 100);
  const maxTasks = Math.floor((desired * maxPercent) / 100);
  return maxTasks > desired || minHealthy < desired;
}

export function deploymentProgressIssues(s: ResolvedService, at: ServiceIssue, fromCli: boolean): ManifestIssue[] {
  if (typeof s.desiredCount !== 'number' || s.strategy.type === 'blue-green') return [];
  if (s.settings.schedulingStrategy === 'DAEMON') return [];
  const { minimumHealthyPercent, maximumPercent } = s.deployment;
  if (minimumHealthyPercent === undefined && maximumPercent === undefined) return [];
  // ECS defaults for REPLICA services (§1.2).
  const min = minimumHealthyPercent ?? 100;
  const max = maximumPercent ?? 200;
  if (percentsAllowProgress(s.desiredCount, min, max)) return [];
  const d = s.desiredCount;
  const minHealthy = Math.ceil((d * min) / 100);
  const maxTasks = Math.floor((d * max) / 100);
  const origin = fromCli ? ' (with the command-line overrides)' : '';
  return [
    at(
      s.key,
      ['deployment'],
      `minimumHealthyPercent ${min} and maximumPercent ${max} with desiredCount ${d} can neither start nor stop a task${origin}: ` +
        `${minHealthy} must stay healthy and at most ${maxTasks} may run; raise maximumPercent or lower minimumHealthyPercent`,
    ),
  ];
}

export function canaryIssues(s: ResolvedService, at: ServiceIssue): ManifestIssue[] {
  if (s.strategy.type !== 'canary') return [];
  const c = s.strategy;
  const issues: ManifestIssue[] = [];
  if ((c.rule === undefined) === (c.listener === undefined)) {
    issues.push(at(s.key, ['strategy'], 'set exactly one of `rule` (a listener rule ARN) or `listener` (a listener ARN)'));
  }
  c.steps.forEach((step, i) => {
    const prev = c.steps[i - 1];
    if (prev && step.weight <= prev.weight) {
      issues.push(
        at(s.key, ['strategy', 'steps', i, 'weight'], `weights must increase step by step: ${step.weight} follows ${prev.weight}`),
      );
    }
  });
  if (c.canary.service === s.service || c.canary.service === c.stable.service) {
    issues.push(
      at(
        s.key,
        ['strategy', 'canary', 'service'],
        `the canary service must differ from the stable service \`${c.stable.service ?? s.service}\``,
      ),
    );
  }
  if (c.canary.targetGroup === c.stable.targetGroup) {
    issues.push(at(s.key, ['strategy', 'canary', 'targetGroup'], 'the canary target group must differ from the stable one'));
  }
  return issues;
}

/** `arn:aws:ecs:r:a:cluster/shop` → `shop`, `arn:aws:ecs:r:a:service/shop/web` → `web`; a plain name stays. */
function lastArnSegment(nameOrArn: string): string {
  return nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1) : nameOrArn;
}

export function duplicateServiceIssues(services: ResolvedService[], at: ServiceIssue): ManifestIssue[] {
  const seen = new Map<string, string>();
  const issues: ManifestIssue[] = [];
  for (const s of services) {
    // Named by ARN in one place and by name in another, it is still the same ECS service.
    const cluster = lastArnSegment(s.cluster);
    const service = lastArnSegment(s.service);
    const id = `${cluster}\u0000${service}`;
    const first = seen.get(id);
    if (first === undefined) seen.set(id, s.key);
    else issues.push(at(s.key, [], `ECS service \`${service}\` in cluster \`${cluster}\` is already declared by services.${first}`, true));
  }
  return issues;
}

export function dependencyIssues(services: ResolvedService[], at: ServiceIssue): ManifestIssue[] {
  const keys = services.map((s) => s.key);
  const known = new Set(keys);
  const issues: ManifestIssue[] = [];
  for (const s of services) {
    s.dependsOn.forEach((d, i) => {
      if (d === s.key) issues.push(at(s.key, ['dependsOn', i], `a service cannot depend on itself`));
      else if (!known.has(d))
        issues.push(at(s.key, ['dependsOn', i], `unknown service \`${d}\`${didYouMean(d, keys)} (services: ${keys.join(', ')})`));
    });
  }
  // Cycles: depth-first search, reporting each cycle once, at the first service of the cycle in manifest order.
  const byKey = new Map(services.map((s) => [s.key, s]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const reported = new Set<string>();
  const visit = (key: string): void => {
    state.set(key, 'visiting');
    stack.push(key);
    for (const dep of byKey.get(key)?.dependsOn ?? []) {
      if (dep === key || !byKey.has(dep)) continue;
      if (state.get(dep) === 'visiting') {
        const cycle = stack.slice(stack.indexOf(dep));
        const id = [...cycle].sort().join(',');
        if (!reported.has(id)) {
          reported.add(id);
          const first = keys.find((k) => cycle.includes(k)) as string;
          const start = cycle.indexOf(first);
          const ordered = [...cycle.slice(start), ...cycle.slice(0, start), first];
          issues.push(at(first, ['dependsOn'], `dependsOn cycle: ${ordered.join(' → ')}`));
        }
      } else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(key, 'done');
  };
  for (const k of keys) if (!state.has(k)) visit(k);
  return issues;
}

/** Why a service is not "fully defined" (cannot be created), or [] when it is. See docs/manifest.md. */
export function missingForCreate(s: ResolvedService): string[] {
  const missing: string[] = [];
  const hasCompute = s.settings.launchType !== undefined || (s.settings.capacityProviderStrategy?.length ?? 0) > 0;
  if (!hasCompute) missing.push('launchType or capacityProviderStrategy');
  const networkMode = s.taskDefinition.kind === 'declared' ? s.taskDefinition.input.networkMode : undefined;
  const needsNetwork = s.taskDefinition.kind === 'live' || networkMode === undefined || networkMode === 'awsvpc';
  if (needsNetwork && s.settings.networkConfiguration === undefined) missing.push('networkConfiguration');
  if (s.taskDefinition.kind === 'live') missing.push('a declared task definition (fromLive needs a running service)');
  // CreateService requires desiredCount unless the scheduling strategy is DAEMON (API reference, CreateService).
  if (s.settings.schedulingStrategy !== 'DAEMON' && typeof s.desiredCount !== 'number') {
    missing.push('a numeric desiredCount (CreateService needs the initial count of a REPLICA service)');
  }
  return missing;
}
