/** Short, human names for the ARNs in events: logs show `web:42`, not the full task definition ARN. */

/** `arn:aws:ecs:eu-west-1:123:task-definition/web:42` → `web:42`; anything else is returned as is. */
export function revisionName(arnOrName: string | undefined): string {
  if (!arnOrName) return '-';
  const slash = arnOrName.lastIndexOf('/');
  return arnOrName.includes(':task-definition/') && slash >= 0 ? arnOrName.slice(slash + 1) : arnOrName;
}

/** `arn:aws:ecs:...:task/cluster/0a1b2c3d4e5f...` → `0a1b2c3d4e5f` (the first 12 characters of the task id). */
export function taskId(arn: string | undefined): string {
  if (!arn) return '-';
  const id = arn.slice(arn.lastIndexOf('/') + 1);
  return id.length > 12 ? id.slice(0, 12) : id;
}

/** `arn:aws:sns:eu-west-1:123:deploys` → `deploys`. */
export function topicName(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}
