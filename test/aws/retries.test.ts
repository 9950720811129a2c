/**
 * Retries live in the SDK's middleware, which aws-sdk-client-mock bypasses (it replaces `send`), so these tests
 * run real clients against a local endpoint that throttles.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import { AwsApiError, InterruptedError } from '../../src/errors/index.js';
import { DUMMY_ENV, type FakeEndpoint, startFakeEndpoint } from './fake-endpoint.js';

const THROTTLE = { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } };
const OK = { status: 200, body: { services: [], failures: [] } };

describe('retries', () => {
  const servers: FakeEndpoint[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('retries a throttled call and counts it once', async () => {
    const server = await startFakeEndpoint((_, i) => (i === 0 ? THROTTLE : OK));
    servers.push(server);
    const ports = createAwsPorts({ region: 'us-east-1', endpointUrl: server.url, env: DUMMY_ENV });
    const out = await ports.ecs.describeServices({ cluster: 'c', services: ['s'] });
    expect(out.services).toEqual([]);
    expect(server.requests).toHaveLength(2);
    expect(ports.calls.counts()).toEqual({ 'ECS.DescribeServices': 1 });
  });

  it('gives up after --max-attempts and reports the throttling', async () => {
    const server = await startFakeEndpoint(() => THROTTLE);
    servers.push(server);
    const ports = createAwsPorts({ region: 'us-east-1', endpointUrl: server.url, env: DUMMY_ENV, maxAttempts: 2 });
    const error = await ports.ecs.describeServices({ cluster: 'c', services: ['s'] }).catch((e: unknown) => e);
    expect(server.requests).toHaveLength(2);
    expect(error).toBeInstanceOf(AwsApiError);
    expect((error as AwsApiError).throttled).toBe(true);
    expect((error as AwsApiError).requestId).toBe('req-2');
    expect((error as AwsApiError).hint).toMatch(/--max-attempts/);
  });

  it('does not retry a client error', async () => {
    const server = await startFakeEndpoint(() => ({ status: 400, body: { __type: 'ClientException', message: 'bad input' } }));
    servers.push(server);
    const ports = createAwsPorts({ region: 'us-east-1', endpointUrl: server.url, env: DUMMY_ENV });
    await expect(ports.ecs.describeServices({ cluster: 'c', services: ['s'] })).rejects.toMatchObject({ awsCode: 'ClientException' });
    expect(server.requests).toHaveLength(1);
  });

  it('stops waiting for a call when the signal aborts', async () => {
    const server = await startFakeEndpoint(() => ({ ...OK, hang: true }));
    servers.push(server);
    const ports = createAwsPorts({ region: 'us-east-1', endpointUrl: server.url, env: DUMMY_ENV });
    const controller = new AbortController();
    const pending = ports.ecs.describeServices({ cluster: 'c', services: ['s'] }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(InterruptedError);
  });
});
