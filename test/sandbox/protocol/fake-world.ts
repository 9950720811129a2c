/**
 * A stand-in world for protocol tests: records what it was dispatched and answers from a table, so these tests
 * exercise the wire layer alone (the real world has its own tests).
 */
import { SandboxApiError } from '../../../src/sandbox/errors.js';
import type { ApiFault, AwsServiceId, DispatchWorld } from '../../../src/sandbox/protocol/types.js';

export type Responder = (input: Record<string, unknown>) => Record<string, unknown>;

export interface FakeWorld extends DispatchWorld {
  received: { service: AwsServiceId; operation: string; input: Record<string, unknown> }[];
  on(service: AwsServiceId, operation: string, responder: Responder): void;
}

export function fakeWorld(faults: ApiFault[] = []): FakeWorld {
  const handlers = new Map<string, Responder>();
  const received: FakeWorld['received'] = [];
  return {
    region: 'eu-west-1',
    accountId: '123456789012',
    scenario: { faults },
    received,
    on(service, operation, responder) {
      handlers.set(`${service}.${operation}`, responder);
    },
    dispatch(service, operation, input) {
      received.push({ service, operation, input });
      const h = handlers.get(`${service}.${operation}`);
      if (!h) throw new SandboxApiError('UnknownOperationException', `fake world has no ${service}.${operation}`);
      return h(input);
    },
  };
}
