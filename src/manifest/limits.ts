/**
 * The bounds the manifest enforces, each with where it comes from. What ECS's API reference refuses is an error
 * before anything is sent; a bound of our own (durations) protects what depends on the value (the deploy lock).
 * The schema (schema/ecsdeploy.schema.json) repeats the numeric ones as `maximum`s; a test checks they agree.
 */

/**
 * ECS service, cluster, task definition family and container names: "Up to 255 letters (uppercase and
 * lowercase), numbers, underscores, and hyphens are allowed" (API reference: CreateService `serviceName`,
 * CreateCluster `clusterName`, RegisterTaskDefinition `family`, ContainerDefinition `name`).
 */
export const ECS_NAME_PATTERN = '^[a-zA-Z0-9_-]{1,255}$';
export const ECS_NAME = new RegExp(ECS_NAME_PATTERN);

/**
 * The default ECS quota "Tasks per service" (Amazon ECS service quotas, developer guide). A count above it cannot
 * run in a default account; it is also where a mistyped count (`1e300`) stops.
 */
export const MAX_DESIRED_COUNT = 5000;

/**
 * RegisterTaskDefinition refuses a task definition larger than 64 KiB (Amazon ECS service quotas: "Task
 * definition size"). Measured as the compact JSON ecsdeploy sends.
 */
export const MAX_TASK_DEFINITION_BYTES = 64 * 1024;

/**
 * A task definition file larger than this is refused before it is read: it cannot hold a task definition ECS
 * accepts, and parsing it would only cost time and memory. (Generous beside the 64 KiB limit, for whitespace.)
 */
export const MAX_TASK_DEFINITION_FILE_BYTES = 1024 * 1024;

/**
 * RunTask `overrides`: "A total of 8192 characters are allowed for overrides. This limit includes the JSON
 * formatting characters of the override structure." (API reference: RunTask). One-off tasks send their command
 * and environment there.
 */
export const MAX_RUN_TASK_OVERRIDES_CHARS = 8192;

/**
 * The longest duration the manifest accepts anywhere (timeouts, pauses, holds, intervals). A run waits at most
 * this long for any one thing, and the lock a killed run leaves on its services lasts about twice the longest
 * timeout: a typo of `2000h` would otherwise hold a service for months.
 */
export const MAX_DURATION_MS = 24 * 3_600_000;
export const MAX_DURATION_TEXT = '24h';

/** `1.2 KiB`, `70.3 KiB`, `2.0 MiB`. */
export function formatBytes(bytes: number): string {
  const [size, unit] = bytes >= 1024 * 1024 ? [bytes / 1024 / 1024, 'MiB'] : [bytes / 1024, 'KiB'];
  return `${Number.isInteger(size) ? size : size.toFixed(1)} ${unit}`;
}
