/**
 * ELBv2 tags: AddTags, RemoveTags, DescribeTags on load balancers, target groups, listeners and rules. A resource
 * holds at most 50 tags (TooManyTags); an unknown ARN is its resource type's NotFound error.
 */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { recordList, stringList, type Input } from '../input.js';
import type { Tag } from '../types.js';
import { notFound, validation } from './state.js';

/** "Maximum number of tags per resource: 50" (Elastic Load Balancing quotas). */
const MAX_TAGS = 50;

interface Taggable {
  tags?: Tag[];
}

/** The tagged resource an ARN names, or the NotFound error of its type. */
function resource(w: WorldContext, arn: string): Taggable {
  const e = w.st.elbv2;
  if (arn.includes(':targetgroup/')) {
    const tg = e.targetGroups[arn];
    if (!tg) throw notFound('TargetGroupNotFound', 'One or more target groups not found');
    return tg;
  }
  if (arn.includes(':listener-rule/')) {
    const r = e.rules[arn];
    if (!r) throw notFound('RuleNotFound', 'The specified rule does not exist.');
    return r;
  }
  if (arn.includes(':listener/')) {
    const l = e.listeners[arn];
    if (!l) throw notFound('ListenerNotFound', 'The specified listener does not exist.');
    return l;
  }
  const lb = e.loadBalancers[arn];
  if (!lb) throw notFound('LoadBalancerNotFound', 'One or more load balancers not found');
  return lb;
}

/** `Tags` of an input (`[{ Key, Value }]`), as stored. */
export function tagsFrom(v: unknown): Tag[] {
  return recordList(v).map((t) => ({ key: String(t.Key ?? ''), value: String(t.Value ?? '') }));
}

/** Adds tags, replacing the values of keys already there; refuses a resource going past 50 tags. */
export function applyTags(target: Taggable, tags: Tag[]): void {
  const keys = tags.map((t) => t.key);
  if (new Set(keys).size !== keys.length) throw new SandboxApiError('DuplicateTagKeys', 'Tag keys must be unique');
  const merged = [...(target.tags ?? [])];
  for (const t of tags) {
    const i = merged.findIndex((x) => x.key === t.key);
    if (i >= 0) merged[i] = t;
    else merged.push(t);
  }
  if (merged.length > MAX_TAGS) throw new SandboxApiError('TooManyTags', `The maximum number of tags (${MAX_TAGS}) was exceeded`);
  target.tags = merged;
}

export function addTags(w: WorldContext, input: Input): Record<string, unknown> {
  const arns = stringList(input.ResourceArns);
  if (!arns.length) throw validation('A resource ARN must be specified');
  const targets = arns.map((a) => resource(w, a));
  const tags = tagsFrom(input.Tags);
  for (const t of targets) applyTags(t, tags);
  return {};
}

export function removeTags(w: WorldContext, input: Input): Record<string, unknown> {
  const targets = stringList(input.ResourceArns).map((a) => resource(w, a));
  const keys = new Set(stringList(input.TagKeys));
  for (const t of targets) t.tags = (t.tags ?? []).filter((x) => !keys.has(x.key));
  return {};
}

export function describeTags(w: WorldContext, input: Input): Record<string, unknown> {
  const arns = stringList(input.ResourceArns);
  if (arns.length > 20) throw validation('A maximum of 20 resource ARNs can be specified');
  return {
    TagDescriptions: arns.map((arn) => ({
      ResourceArn: arn,
      Tags: (resource(w, arn).tags ?? []).map((t) => ({ Key: t.key, Value: t.value })),
    })),
  };
}
