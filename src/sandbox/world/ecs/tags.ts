/** ECS resource tags: TagResource, UntagResource, ListTagsForResource on clusters, services, tasks, task definitions. */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { clone, list, reqString, tagsOf, type Input } from '../input.js';
import type { Tag } from '../types.js';
import { findTaskDefinition, parseTaskDefinitionRef } from './task-definitions.js';

function tagTarget(w: WorldContext, arn: string): { get: () => Tag[]; set: (t: Tag[]) => void } {
  if (arn.includes(':task-definition/')) {
    const td = findTaskDefinition(w, arn);
    if (!td || parseTaskDefinitionRef(arn).revision === undefined)
      throw new SandboxApiError('InvalidParameterException', 'The specified resource is not found.');
    return { get: () => td.tags, set: (t) => (td.tags = t) };
  }
  let exists = false;
  if (arn.includes(':cluster/')) exists = w.st.ecs.clusters[arn] !== undefined;
  else if (arn.includes(':service/')) exists = w.serviceByArn(arn) !== undefined;
  else if (arn.includes(':task/')) exists = w.st.ecs.tasks[arn] !== undefined;
  else if (arn.includes(':task-set/')) exists = taskSetExists(w, arn);
  if (!exists) throw new SandboxApiError('InvalidParameterException', 'The specified resource is not found.');
  const task = w.st.ecs.tasks[arn];
  if (task) return { get: () => task.tags, set: (t) => (task.tags = t) };
  return { get: () => w.st.ecs.resourceTags[arn] ?? [], set: (t) => (w.st.ecs.resourceTags[arn] = t) };
}

/** `...:task-set/CLUSTER/SERVICE/ID`: a task set of a service that still has it. */
function taskSetExists(w: WorldContext, arn: string): boolean {
  const [cluster, service] = arn.split(':task-set/')[1]?.split('/') ?? [];
  const c = cluster ? w.st.ecs.clusters[w.clusterArnFor(cluster)] : undefined;
  return (service ? c?.services[service] : undefined)?.taskSets.some((ts) => ts.taskSetArn === arn) === true;
}

export function tagResource(w: WorldContext, input: Input): Record<string, unknown> {
  const t = tagTarget(w, reqString(input, 'resourceArn'));
  const add = tagsOf(input.tags);
  const keys = new Set(add.map((x) => x.key));
  t.set([...t.get().filter((x) => !keys.has(x.key)), ...add]);
  return {};
}

export function untagResource(w: WorldContext, input: Input): Record<string, unknown> {
  const t = tagTarget(w, reqString(input, 'resourceArn'));
  const keys = new Set(list(input.tagKeys).map(String));
  t.set(t.get().filter((x) => !keys.has(x.key)));
  return {};
}

export function listTagsForResource(w: WorldContext, input: Input): Record<string, unknown> {
  return { tags: clone(tagTarget(w, reqString(input, 'resourceArn')).get()) };
}
