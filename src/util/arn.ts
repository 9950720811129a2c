/**
 * Names inside ARNs, for messages and lookups. AWS accepts a name or an ARN in most places and answers with ARNs,
 * so code that compares or shows them reduces both to the same short form.
 */

/** Everything after the last `/` (`arn:aws:ecs:…:task/prod/0a1b…` → `0a1b…`); text without one is returned as is. */
export function afterLastSlash(text: string): string {
  return text.slice(text.lastIndexOf('/') + 1);
}

/** `arn:aws:ecs:…:task-definition/web:7` → `web:7`; anything else is returned as is; undefined → `(none)`. */
export function shortTaskDefinition(arn: string | undefined): string {
  if (!arn) return '(none)';
  return afterLastSlash(arn);
}

/** `…/web:7` → `web`. */
export function taskDefinitionFamily(arn: string): string {
  const short = shortTaskDefinition(arn);
  const colon = short.lastIndexOf(':');
  return colon >= 0 ? short.slice(0, colon) : short;
}

/** `…/web:7` → 7; undefined when the reference has no revision. */
export function taskDefinitionRevision(arn: string): number | undefined {
  const short = shortTaskDefinition(arn);
  const colon = short.lastIndexOf(':');
  if (colon < 0) return undefined;
  const n = Number(short.slice(colon + 1));
  return Number.isInteger(n) ? n : undefined;
}

/** `arn:aws:ecs:r:a:cluster/name` → `name`; a plain name stays as it is. */
export function clusterName(cluster: string): string {
  return cluster.startsWith('arn:') ? afterLastSlash(cluster) : cluster;
}

/** `arn:aws:ecs:r:a:service/cluster/name` (or the older `service/name`) → `name`; a plain name stays as it is. */
export function serviceName(service: string): string {
  return service.startsWith('arn:') ? afterLastSlash(service) : service;
}
