import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAwsPorts, resolveEndpoint, resolveMaxAttempts, resolveRegion } from '../../src/aws/clients.js';
import { UsageError } from '../../src/errors/index.js';
import { DUMMY_ENV, type FakeEndpoint, startFakeEndpoint } from './fake-endpoint.js';

describe('region resolution', () => {
  it('prefers --region over the environment and the manifest', () => {
    expect(
      resolveRegion({
        region: 'eu-west-1',
        defaultRegion: 'us-east-1',
        env: { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'ap-south-1' },
      }),
    ).toBe('eu-west-1');
  });

  it('uses AWS_REGION, then AWS_DEFAULT_REGION, before the manifest', () => {
    expect(resolveRegion({ defaultRegion: 'us-east-1', env: { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'ap-south-1' } })).toBe(
      'us-west-2',
    );
    expect(resolveRegion({ defaultRegion: 'us-east-1', env: { AWS_DEFAULT_REGION: 'ap-south-1' } })).toBe('ap-south-1');
  });

  it('falls back to the region the manifest declares', () => {
    expect(resolveRegion({ defaultRegion: 'us-east-1', env: {} })).toBe('us-east-1');
  });

  it('fails with a usage error that says how to name a region when there is none', () => {
    let error: unknown;
    try {
      resolveRegion({ env: {} });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('AWS_REGION_MISSING');
    expect((error as UsageError).hint).toMatch(/--region/);
  });

  it('rejects a region that cannot be part of a host name', () => {
    expect(() => resolveRegion({ region: 'us east 1', env: {} })).toThrow(/not a valid AWS region/);
  });

  it('gives the ports the region it resolved', () => {
    const ports = createAwsPorts({ defaultRegion: 'eu-central-1', env: { ...DUMMY_ENV } });
    expect(ports.region).toBe('eu-central-1');
  });
});

describe('endpoint resolution', () => {
  it('sends every service to --endpoint-url when it is given, over any environment variable', () => {
    const env = { AWS_ENDPOINT_URL: 'http://global', AWS_ENDPOINT_URL_ECS: 'http://ecs' };
    for (const service of ['ecs', 'codedeploy', 'elbv2', 'cloudwatch', 'events', 'sns'] as const) {
      expect(resolveEndpoint(service, { endpointUrl: 'http://flag', env })).toBe('http://flag');
    }
  });

  it('prefers the service-specific variable named after the SDK service id over AWS_ENDPOINT_URL', () => {
    const env = {
      AWS_ENDPOINT_URL: 'http://global',
      AWS_ENDPOINT_URL_ECS: 'http://ecs',
      AWS_ENDPOINT_URL_CODEDEPLOY: 'http://codedeploy',
      AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: 'http://elbv2',
      AWS_ENDPOINT_URL_CLOUDWATCH: 'http://cloudwatch',
      AWS_ENDPOINT_URL_EVENTBRIDGE: 'http://eventbridge',
      AWS_ENDPOINT_URL_SNS: 'http://sns',
    };
    expect(resolveEndpoint('ecs', { env })).toBe('http://ecs');
    expect(resolveEndpoint('codedeploy', { env })).toBe('http://codedeploy');
    expect(resolveEndpoint('elbv2', { env })).toBe('http://elbv2');
    expect(resolveEndpoint('cloudwatch', { env })).toBe('http://cloudwatch');
    expect(resolveEndpoint('events', { env })).toBe('http://eventbridge');
    expect(resolveEndpoint('sns', { env })).toBe('http://sns');
    expect(resolveEndpoint('ecs', { env: { AWS_ENDPOINT_URL: 'http://global' } })).toBe('http://global');
  });

  it('ignores the environment variables when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true, as the SDK does', () => {
    expect(resolveEndpoint('ecs', { env: { AWS_ENDPOINT_URL: 'http://global', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' } })).toBe(
      undefined,
    );
  });

  describe('against real clients', () => {
    const servers: FakeEndpoint[] = [];
    afterEach(async () => {
      await Promise.all(servers.splice(0).map((s) => s.close()));
    });

    it('routes each service to its own endpoint from the env passed in, not from process.env', async () => {
      const ecs = await startFakeEndpoint(() => ({ status: 200, body: { services: [], failures: [] } }));
      const global = await startFakeEndpoint(() => ({ status: 200, body: { MetricAlarms: [], CompositeAlarms: [] } }));
      servers.push(ecs, global);
      const ports = createAwsPorts({
        region: 'us-east-1',
        env: { ...DUMMY_ENV, AWS_ENDPOINT_URL: global.url, AWS_ENDPOINT_URL_ECS: ecs.url },
      });
      expect(process.env.AWS_ENDPOINT_URL_ECS).toBeUndefined();
      await ports.ecs.describeServices({ cluster: 'c', services: ['s'] });
      await ports.cloudwatch.describeAlarms({ AlarmNames: ['a'] });
      expect(ecs.requests.map((r) => r.target)).toEqual(['AmazonEC2ContainerServiceV20141113.DescribeServices']);
      expect(global.requests.map((r) => r.target)).toEqual(['GraniteServiceVersion20100801.DescribeAlarms']);
    });

    it('never takes an endpoint from process.env when the env passed in names none', async () => {
      vi.stubEnv('AWS_ENDPOINT_URL', 'http://127.0.0.1:9/from-process-env');
      const hosts: string[] = [];
      // A request handler that records where the SDK would send the call, and sends nothing.
      const requestHandler = {
        handle: async (request: { hostname: string }) => {
          hosts.push(request.hostname);
          throw Object.assign(new Error('stopped by the test'), { name: 'StoppedByTest' });
        },
      };
      const ports = createAwsPorts({ region: 'eu-west-1', env: { ...DUMMY_ENV }, requestHandler, maxAttempts: 1 });
      await expect(ports.ecs.describeServices({ cluster: 'c', services: ['s'] })).rejects.toMatchObject({ awsCode: 'StoppedByTest' });
      expect(hosts).toEqual(['ecs.eu-west-1.amazonaws.com']);
      vi.unstubAllEnvs();
    });

    it('signs with the credentials from the env passed in', async () => {
      const ecs = await startFakeEndpoint(() => ({ status: 200, body: { services: [], failures: [] } }));
      servers.push(ecs);
      const ports = createAwsPorts({
        region: 'us-east-1',
        endpointUrl: ecs.url,
        env: { AWS_ACCESS_KEY_ID: 'AKIDFROMENV', AWS_SECRET_ACCESS_KEY: 'x' },
      });
      await ports.ecs.describeServices({ cluster: 'c', services: ['s'] });
      expect(ecs.requests[0]?.authorization).toContain('Credential=AKIDFROMENV/');
    });

    it('signs with the static key flags over the environment', async () => {
      const ecs = await startFakeEndpoint(() => ({ status: 200, body: { services: [], failures: [] } }));
      servers.push(ecs);
      const ports = createAwsPorts({
        region: 'us-east-1',
        endpointUrl: ecs.url,
        accessKeyId: 'AKIDFROMFLAG',
        secretAccessKey: 'flag-secret',
        env: { AWS_ACCESS_KEY_ID: 'AKIDFROMENV', AWS_SECRET_ACCESS_KEY: 'x' },
      });
      await ports.ecs.describeServices({ cluster: 'c', services: ['s'] });
      expect(ecs.requests[0]?.authorization).toContain('Credential=AKIDFROMFLAG/');
    });
  });
});

describe('attempts', () => {
  it('defaults to 8 attempts per call, and takes --max-attempts or AWS_MAX_ATTEMPTS', () => {
    expect(resolveMaxAttempts({ env: {} })).toBe(8);
    expect(resolveMaxAttempts({ env: { AWS_MAX_ATTEMPTS: '3' } })).toBe(3);
    expect(resolveMaxAttempts({ maxAttempts: 5, env: { AWS_MAX_ATTEMPTS: '3' } })).toBe(5);
  });

  it('refuses a number of attempts that is not a positive whole number', () => {
    expect(() => resolveMaxAttempts({ maxAttempts: 0, env: {} })).toThrow(UsageError);
    expect(() => resolveMaxAttempts({ env: { AWS_MAX_ATTEMPTS: 'lots' } })).toThrow(UsageError);
  });

  it('refuses one static key flag without the other', () => {
    expect(() => createAwsPorts({ region: 'us-east-1', accessKeyId: 'AKID', env: {} })).toThrow(/must be given together/);
  });
});
