/**
 * The manifest's JSON Schema (schema/ecsdeploy.schema.json, the contract) and its validator. The validator is
 * ajv's standalone code generated from the schema (generate-validator.mjs), so no schema is compiled at run time:
 * a cold start pays a few milliseconds instead of ~75.
 */
import type { ErrorObject } from 'ajv';
import { schemaText, validate } from './schema-validator.generated.js';

let parsed: Record<string, unknown> | undefined;

/** The schema as an object (parsed once per process). */
export function manifestSchema(): Record<string, unknown> {
  parsed ??= JSON.parse(schemaText) as Record<string, unknown>;
  return parsed;
}

/** The schema file's exact text, as shipped. */
export function manifestSchemaText(): string {
  return schemaText;
}

/** Validates a written manifest; returns every error (ajv allErrors). */
export function schemaErrors(data: unknown): ErrorObject[] {
  return validate(data) ? [] : [...(validate.errors ?? [])];
}

/** The sub-schema at a `#/...` JSON pointer. */
export function schemaAt(pointer: string): Record<string, unknown> | undefined {
  let node: unknown = manifestSchema();
  for (const raw of pointer.replace(/^#\/?/, '').split('/')) {
    if (raw === '') continue;
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node !== null && typeof node === 'object' ? (node as Record<string, unknown>) : undefined;
}

/** A cluster name, or a cluster ARN (CreateCluster `clusterName`: up to 255 letters, digits, `_` and `-`). */
export const CLUSTER_PATTERN = '^(?:[a-zA-Z0-9_-]{1,255}|arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[a-zA-Z0-9_-]{1,255})$';

/** A service name, or a service ARN (old or new format, CreateService `serviceName`). */
export const SERVICE_PATTERN =
  '^(?:[a-zA-Z0-9_-]{1,255}|arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:service/(?:[a-zA-Z0-9_-]{1,255}/)?[a-zA-Z0-9_-]{1,255})$';

/** AWS region names are one DNS label (us-east-1); the same check the client factory makes. */
export const REGION_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$';
/** ECS tag keys and values: letters, digits, spaces and `+ - = . _ : / @` (TagResource). */
export const TAG_PATTERN = '^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$';
/** EventBridge rule names and target ids (PutRule `Name`, PutTargets `Id`). */
export const EVENTBRIDGE_NAME_PATTERN = '^[.\\-_A-Za-z0-9]{1,64}$';
/** An EventBridge event bus: its name or ARN (PutTargets `EventBusName`). */
export const EVENT_BUS_PATTERN = '^(?:arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/)?[/.\\-_A-Za-z0-9]{1,256}$';
/** Names shown in output (one-off tasks): any text but control and format characters. */
export const DISPLAY_NAME_PATTERN = '^[^\\p{Cc}\\p{Cf}]{1,255}$';

/** Must match src/util/duration.ts; a test checks both agree. */
export const DURATION_PATTERN = '^(?:0|(?:\\d+(?:ms|s|m|h|d))+)$';
