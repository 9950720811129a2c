/**
 * CodeDeploy tags (TagResource, UntagResource, ListTagsForResource) on applications
 * (`arn:...:codedeploy:REGION:ACCOUNT:application:NAME`) and deployment groups (`...:deploymentgroup:APP/GROUP`),
 * and the tags CreateApplication and CreateDeploymentGroup take.
 */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { list, recordList, reqString, type Input } from '../input.js';
import { groupKey } from './group.js';

type Tags = { Key: string; Value: string }[];

export function tagsFrom(v: unknown): Tags {
  return recordList(v).map((t) => ({ Key: String(t.Key ?? ''), Value: String(t.Value ?? '') }));
}

/** The tagged resource an ARN names. */
function taggable(w: WorldContext, arn: string): { tags?: Tags } {
  const m = /^arn:[^:]+:codedeploy:[^:]*:[^:]*:(application|deploymentgroup):(.+)$/.exec(arn);
  if (!m) throw new SandboxApiError('ArnNotSupportedException', `The ARN ${arn} is not supported for tagging.`);
  const [app = '', group = ''] = String(m[2]).split('/');
  const found = m[1] === 'application' ? w.st.codedeploy.applications[app] : w.st.codedeploy.groups[groupKey(app, group)];
  if (!found) throw new SandboxApiError('InvalidArnException', `The resource ${arn} does not exist.`);
  return found;
}

export function tagResource(w: WorldContext, input: Input): Record<string, unknown> {
  const target = taggable(w, reqString(input, 'ResourceArn', 'ResourceArnRequiredException'));
  const add = tagsFrom(input.Tags);
  const keys = new Set(add.map((t) => t.Key));
  target.tags = [...(target.tags ?? []).filter((t) => !keys.has(t.Key)), ...add];
  return {};
}

export function untagResource(w: WorldContext, input: Input): Record<string, unknown> {
  const target = taggable(w, reqString(input, 'ResourceArn', 'ResourceArnRequiredException'));
  const keys = new Set(list(input.TagKeys).map(String));
  target.tags = (target.tags ?? []).filter((t) => !keys.has(t.Key));
  return {};
}

export function listTagsForResource(w: WorldContext, input: Input): Record<string, unknown> {
  const target = taggable(w, reqString(input, 'ResourceArn', 'ResourceArnRequiredException'));
  return { Tags: (target.tags ?? []).map((t) => ({ ...t })) };
}
