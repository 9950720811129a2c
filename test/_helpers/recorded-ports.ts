/**
 * Records every call made through a set of AWS ports, with its input, in order: what the engine asked of AWS,
 * whatever answers (the sandbox, the fake, moto). Operation names are the API's (`describeServices` →
 * `DescribeServices`).
 *
 *   const rec = recordCalls(createAwsPorts(sb.awsConfig()));
 *   await applyPlan(plan, { ports: rec.ports, ... }, options);
 *   expect(rec.count('RegisterTaskDefinition')).toBe(0);
 */
import type { AwsPorts } from '../../src/aws/ports.js';

interface RecordedCall {
  op: string;
  input: Record<string, unknown>;
}

export interface RecordedPorts {
  ports: AwsPorts;
  readonly calls: RecordedCall[];
  count(op: string): number;
  callsOf(op: string): Record<string, unknown>[];
  /** Every call but reads (Describe*, List*, Get*), in order. */
  mutatingCalls(): RecordedCall[];
  /** Runs after each call has answered (a test can act as a racing writer there). */
  afterCall?: (call: RecordedCall, output: unknown) => void | Promise<void>;
}

const SERVICES = ['ecs', 'codedeploy', 'elbv2', 'cloudwatch', 'events', 'sns'] as const;
const READS = /^(Describe|List|Get)/;

export function recordCalls(inner: AwsPorts): RecordedPorts {
  const calls: RecordedCall[] = [];
  const recorded: RecordedPorts = {
    ports: { ...inner },
    calls,
    count: (op) => calls.filter((c) => c.op === op).length,
    callsOf: (op) => calls.filter((c) => c.op === op).map((c) => c.input),
    mutatingCalls: () => calls.filter((c) => !READS.test(c.op)),
  };
  for (const service of SERVICES) {
    const port = inner[service] as unknown as Record<string, (input: unknown, options?: unknown) => Promise<unknown>>;
    const wrapped: Record<string, unknown> = {};
    for (const [method, fn] of Object.entries(port)) {
      if (typeof fn !== 'function') continue;
      wrapped[method] = async (input: unknown, options?: unknown) => {
        const call = { op: method[0]?.toUpperCase() + method.slice(1), input: JSON.parse(JSON.stringify(input ?? {})) };
        calls.push(call);
        const output = await fn.call(port, input, options);
        await recorded.afterCall?.(call, output);
        return output;
      };
    }
    (recorded.ports as unknown as Record<string, unknown>)[service] = wrapped;
  }
  return recorded;
}
