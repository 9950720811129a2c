/**
 * Applies a service's overrides (images, repository-matched images, environment, command) to a task
 * definition. Shared by the manifest (declared task definitions) and the plan (`fromLive` ones), so both
 * paths behave the same. Pure; returns a new object and the container names that did not exist.
 */
import type { ResolvedService } from './manifest.js';
import type { ContainerDefinition, TaskDefinitionInput } from './task-definition.js';

/** `[domain[:port]/]path[:tag][@digest]` → repository (everything but tag and digest) and tag. */
export function splitImage(image: string): { repository: string; tag: string | undefined; digest: string | undefined } {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) return { repository: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  return { repository: rest, tag: undefined, digest };
}

/** An image reference with `latest` filled in when it has neither tag nor digest (as ecs-deploy-py did). */
export function withDefaultTag(image: string): string {
  const { tag, digest } = splitImage(image);
  return tag === undefined && digest === undefined ? `${image}:latest` : image;
}

export type ServiceOverrides = Pick<ResolvedService, 'images' | 'repositoryImages' | 'environment' | 'command'>;

export interface OverrideResult {
  taskDefinition: TaskDefinitionInput;
  /** Container names named by an override that the task definition does not have. */
  unknownContainers: string[];
  /** Repository overrides that matched no container. */
  unmatchedRepositories: string[];
}

export function applyOverrides(td: TaskDefinitionInput, o: ServiceOverrides): OverrideResult {
  const containers: ContainerDefinition[] = td.containerDefinitions.map((c) => ({ ...c }));
  const byName = new Map(containers.map((c) => [c.name, c]));
  const unknown = new Set<string>();
  const named = (name: string): ContainerDefinition | undefined => {
    const c = byName.get(name);
    if (!c) unknown.add(name);
    return c;
  };
  for (const [name, image] of Object.entries(o.images)) {
    const c = named(name);
    if (c) c.image = image;
  }
  const unmatched: string[] = [];
  for (const r of o.repositoryImages) {
    let hit = false;
    for (const c of containers) {
      if (typeof c.image === 'string' && splitImage(c.image).repository === r.repository) {
        c.image = r.image;
        hit = true;
      }
    }
    if (!hit) unmatched.push(r.repository);
  }
  for (const [name, vars] of Object.entries(o.environment)) {
    const c = named(name);
    if (!c) continue;
    const env = (c.environment ?? []).filter((e) => !Object.hasOwn(vars, e.name));
    for (const [k, v] of Object.entries(vars)) env.push({ name: k, value: v });
    c.environment = env;
  }
  for (const [name, cmd] of Object.entries(o.command)) {
    const c = named(name);
    if (c) c.command = [...cmd];
  }
  return {
    taskDefinition: { ...td, containerDefinitions: containers },
    unknownContainers: [...unknown],
    unmatchedRepositories: unmatched,
  };
}
