/** Short, human names for the ARNs in events: logs show `web:42`, not the full task definition ARN. */
import { afterLastSlash, shortTaskDefinition } from '../util/arn.js';

/** `arn:aws:ecs:eu-west-1:123:task-definition/web:42` → `web:42`; anything else is returned as is. */
export function revisionName(arnOrName: string | undefined): string {
  if (!arnOrName) return '-';
  return arnOrName.includes(':task-definition/') ? shortTaskDefinition(arnOrName) : arnOrName;
}

/** `arn:aws:ecs:...:task/cluster/0a1b2c3d4e5f...` → `0a1b2c3d4e5f` (the first 12 characters of the task id). */
export function taskId(arn: string | undefined): string {
  if (!arn) return '-';
  return afterLastSlash(arn).slice(0, 12);
}

/** `arn:aws:sns:eu-west-1:123:deploys` → `deploys`. */
export function topicName(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}
