/**
 * Reading API inputs. JSON-protocol services hand over typed JSON; query-protocol services (ELBv2, SNS) hand over
 * strings for every leaf and `''` for an empty list, so every reader here accepts both.
 */
import { SandboxApiError } from '../errors.js';

export type Input = Record<string, unknown>;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

export function optString(input: Input, key: string): string | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new SandboxApiError('InvalidParameterException', `${key} must be a string`);
}

export function reqString(input: Input, key: string, code = 'InvalidParameterException'): string {
  const v = optString(input, key);
  if (v === undefined || v === '') throw new SandboxApiError(code, `${key} is required`);
  return v;
}

export function optNumber(input: Input, key: string): number | undefined {
  return toNumber(input[key], key);
}

export function toNumber(v: unknown, key = 'value'): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  if (Number.isNaN(n)) throw new SandboxApiError('InvalidParameterException', `${key} must be a number`);
  return n;
}

export function optBool(input: Input, key: string): boolean | undefined {
  return toBool(input[key]);
}

export function toBool(v: unknown): boolean | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new SandboxApiError('InvalidParameterException', `expected a boolean, got ${String(v)}`);
}

/** A list: an array, `''` (the query protocol's empty list) or absent. */
export function list(v: unknown): unknown[] {
  if (Array.isArray(v)) return v.filter((x) => x !== undefined);
  if (v === undefined || v === null || v === '') return [];
  if (isRecord(v) && 'member' in v) return list(v.member);
  return [v];
}

export function stringList(v: unknown): string[] {
  return list(v).map((x) => String(x));
}

export function recordList(v: unknown): Record<string, unknown>[] {
  return list(v).filter(isRecord);
}

/** ECS-style tags (`[{ key, value }]`) from an input. */
export function tagsOf(v: unknown): { key: string; value: string }[] {
  return list(v)
    .filter(isRecord)
    .map((t) => ({ key: String(t.key ?? ''), value: String(t.value ?? '') }));
}

export function optRecord(input: Input, key: string): Record<string, unknown> | undefined {
  const v = input[key];
  return isRecord(v) ? v : undefined;
}

/** Epoch milliseconds from what a timestamp member carries: epoch seconds (JSON), ISO text (query), or a Date. */
export function toMillis(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number') return v * 1000;
  if (typeof v === 'string') {
    if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
    const t = Date.parse(v);
    if (!Number.isNaN(t)) return t;
  }
  throw new SandboxApiError('InvalidParameterException', `not a timestamp: ${String(v)}`);
}

/** Deep copy of plain JSON data (state must never share objects with inputs or outputs). */
export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

export function date(ms: number | undefined): Date | undefined {
  return ms === undefined ? undefined : new Date(ms);
}

/** Drops undefined members so outputs look like AWS's (absent, not null). */
export function compact<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** Shell-style glob (`*`, `?`) to a RegExp anchored at both ends. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}
