/**
 * What reading lookups collects: a value per lookup text, or why it could not be read. Failures become manifest
 * issues at every place the lookup is written; messages name the lookup and what is missing, never a value.
 */
import type { Lookup, LookupSite } from '../../model/lookups.js';
import type { Limit } from '../concurrency.js';

/** One lookup to read, with every place it is written. */
export interface LookupRequest {
  text: string;
  lookup: Lookup;
  sites: LookupSite[];
}

export interface ReadValue {
  value: string;
  sensitive: boolean;
}

export class Outcome {
  readonly values = new Map<string, ReadValue>();
  readonly failures = new Map<string, string>();

  set(text: string, value: string, sensitive = false): void {
    this.values.set(text, { value, sensitive });
  }

  fail(text: string, message: string): void {
    this.failures.set(text, message);
  }
}

/** What every reader gets: the signal to pass on, the shared limit on calls in flight, the region for messages. */
export interface ReadContext {
  signal: AbortSignal | undefined;
  limit: Limit;
  region: string;
}

/** The requests of the given kinds, narrowed. */
export function ofKind<K extends Lookup['kind']>(
  requests: readonly LookupRequest[],
  ...kinds: K[]
): (LookupRequest & { lookup: Extract<Lookup, { kind: K }> })[] {
  return requests.filter((r) => (kinds as string[]).includes(r.lookup.kind)) as (LookupRequest & {
    lookup: Extract<Lookup, { kind: K }>;
  })[];
}
