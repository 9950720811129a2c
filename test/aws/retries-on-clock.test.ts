/**
 * Ports over the in-process sandbox wait out their retries on the sandbox's clock: a throttled call costs
 * simulated time (as it would against AWS) and no real time. Real clients keep the SDK's own retries (retries.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import { retryDelayMs } from '../../src/aws/clock-retry.js';
import { AwsApiError } from '../../src/errors/index.js';
import { startInProcessSandbox } from '../_helpers/sandbox.js';

describe('retries on the sandbox clock', () => {
  it('retries a throttled call until it succeeds, and the backoff passes on the sandbox clock', async () => {
    const sb = startInProcessSandbox({ scenario: { faults: [{ service: 'ecs', operation: 'DescribeClusters', throttleRate: 0.6 }] } });
    const ports = createAwsPorts(sb.awsConfig({ maxAttempts: 20 }));
    const t0 = sb.clock.now();
    for (let i = 0; i < 5; i++) await ports.ecs.describeClusters({ clusters: ['default'] });
    const log = sb.runtime.calls().log.filter((e) => e.operation === 'DescribeClusters');
    const throttled = log.filter((e) => e.errorCode === 'ThrottlingException').length;
    expect(throttled).toBeGreaterThan(0);
    expect(log.filter((e) => e.status === 200)).toHaveLength(5);
    // Each throttled attempt waited a jittered backoff on the sandbox's clock (simulated time moved).
    expect(sb.clock.now()).toBeGreaterThan(t0);
    expect(ports.calls.counts()).toEqual({ 'ECS.DescribeClusters': 5 });
  });

  it('gives up after maxAttempts with the throttling error, as the SDK does', async () => {
    const sb = startInProcessSandbox({ scenario: { faults: [{ service: 'ecs', throttleRate: 1 }] } });
    const ports = createAwsPorts(sb.awsConfig({ maxAttempts: 3 }));
    const error = await ports.ecs.listServices({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsApiError);
    expect((error as AwsApiError).throttled).toBe(true);
    expect((error as AwsApiError).hint).toMatch(/after 3 attempts/);
    expect(sb.runtime.calls().counts['ecs.ListServices']).toBe(3);
  });

  it('retries server errors but not client errors', async () => {
    const sb = startInProcessSandbox({ scenario: { faults: [{ service: 'ecs', operation: 'ListServices', serverErrorRate: 1 }] } });
    const ports = createAwsPorts(sb.awsConfig({ maxAttempts: 4 }));
    await expect(ports.ecs.listServices({})).rejects.toBeInstanceOf(AwsApiError);
    expect(sb.runtime.calls().counts['ecs.ListServices']).toBe(4);
    // A service that does not exist is the caller's mistake: asked once.
    await expect(ports.ecs.updateService({ cluster: 'nowhere', service: 'none', desiredCount: 1 })).rejects.toBeInstanceOf(AwsApiError);
    expect(sb.runtime.calls().counts['ecs.UpdateService']).toBe(1);
  });

  it('backs off exponentially with full jitter, from 1 s after a throttle and 50 ms otherwise, up to 20 s', () => {
    expect(retryDelayMs(0, 'THROTTLING', () => 0.5)).toBe(500);
    expect(retryDelayMs(2, 'THROTTLING', () => 0.5)).toBe(2000);
    expect(retryDelayMs(1, 'TRANSIENT', () => 0.5)).toBe(50);
    expect(retryDelayMs(30, 'THROTTLING', () => 0.999)).toBe(19_980);
    expect(retryDelayMs(3, 'THROTTLING', () => 0)).toBe(0);
  });
});
