/**
 * The contract between the wire front ends (in-process SDK handler, HTTP server) and the protocol core, and the
 * slice of the world the core needs. The world is typed structurally here so the protocol layer depends only on
 * what it calls: `dispatch` and the scenario's API faults.
 */
import type { Clock } from '../../util/clock.js';

import type { ApiFault, AwsServiceId } from '../world/index.js';

// The world owns these; re-exported for the protocol layer's users.
export type { ApiFault, AwsServiceId };

/** Every service the front ends route; `sts` is answered by the protocol layer itself (GetCallerIdentity). */
export type RoutedServiceId = AwsServiceId | 'sts';

export type WireProtocol = 'json1.1' | 'json1.0' | 'query';

/** An HTTP request as either front end received it. Header names are lower-case. */
export interface WireRequest {
  method: string;
  /** Path with the query string, e.g. `/` or `/?Action=...`. */
  path: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface WireResponse {
  status: number;
  /** Header names are lower-case. */
  headers: Record<string, string>;
  body: Uint8Array;
}

/** What the protocol core needs of the world. */
export interface DispatchWorld {
  readonly region: string;
  readonly accountId: string;
  readonly scenario: { faults: ApiFault[] };
  /** `region`: the region the request was signed for, when it was signed. */
  dispatch(service: AwsServiceId, operation: string, input: Record<string, unknown>, region?: string): Record<string, unknown>;
  /** Empties the account (moto's reset API); only the HTTP server's `resetApi` option calls it. */
  reset?(): void;
}

export interface CallLogEntry {
  /** Simulated time of the call, ISO 8601. */
  time: string;
  service: string;
  operation: string;
  status: number;
  errorCode?: string;
}

/** What `handleRequest` runs against: the world, the clock, fault decisions and the call log. */
export interface ProtocolHost {
  readonly world: DispatchWorld;
  readonly clock: Clock;
  /** A uniform number in [0, 1) from the host's seeded stream (fault decisions). */
  random(): number;
  /** A fresh request id, in AWS's UUID shape. */
  requestId(): string;
  record(entry: CallLogEntry): void;
}
