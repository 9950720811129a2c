import { DescribeAlarmsCommand, CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { GetDeploymentGroupCommand, CodeDeployClient, DeploymentGroupDoesNotExistException } from '@aws-sdk/client-codedeploy';
import { AccessDeniedException, DescribeServicesCommand, ECSClient, ClusterNotFoundException } from '@aws-sdk/client-ecs';
import { getEventListeners } from 'node:events';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import { toAwsApiError } from '../../src/aws/errors.js';
import { AwsApiError, InterruptedError } from '../../src/errors/index.js';

const meta = { httpStatusCode: 400, requestId: 'rid-1234', attempts: 1, totalRetryDelay: 0 };

function sdkError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: meta, ...extra });
}

function mapped(error: unknown, service = 'ECS', operation = 'DescribeServices'): AwsApiError {
  const result = toAwsApiError(service, operation, error, { region: 'us-east-1' });
  expect(result).toBeInstanceOf(AwsApiError);
  return result as AwsApiError;
}

describe('the AWS error mapping table', () => {
  it('names the service, operation, AWS code and request id', () => {
    const e = mapped(sdkError('ServerException', 'boom'));
    expect(e.message).toBe('ECS DescribeServices failed: ServerException: boom (request id rid-1234)');
    expect(e.service).toBe('ECS');
    expect(e.operation).toBe('DescribeServices');
    expect(e.awsCode).toBe('ServerException');
    expect(e.requestId).toBe('rid-1234');
    expect(e.httpStatus).toBe(400);
    expect(e.code).toBe('AWS_API_ERROR');
  });

  it('hints at the exact IAM action when access is denied', () => {
    expect(mapped(sdkError('AccessDeniedException', 'no')).hint).toContain('`ecs:DescribeServices`');
    expect(mapped(sdkError('AccessDenied', 'no'), 'ELBv2', 'DescribeRules').hint).toContain('`elasticloadbalancing:DescribeRules`');
    expect(mapped(sdkError('AccessDeniedException', 'no'), 'CodeDeploy', 'GetDeploymentGroup').hint).toContain(
      '`codedeploy:GetDeploymentGroup`',
    );
    expect(mapped(sdkError('AccessDenied', 'no'), 'CloudWatch', 'DescribeAlarms').hint).toContain('`cloudwatch:DescribeAlarms`');
  });

  it('tells how to provide credentials when there are none', () => {
    const e = mapped(sdkError('CredentialsProviderError', 'Could not load credentials from any providers'));
    expect(e.message).toContain('no AWS credentials found');
    expect(e.hint).toMatch(/--profile/);
    expect(e.hint).toMatch(/AWS_ACCESS_KEY_ID/);
  });

  it('tells to log in again when an SSO session expired', () => {
    const e = mapped(
      sdkError('CredentialsProviderError', 'The SSO session associated with this profile has expired or is otherwise invalid.'),
    );
    expect(e.hint).toMatch(/aws sso login/);
  });

  it('tells to refresh credentials when the token expired', () => {
    expect(mapped(sdkError('ExpiredTokenException', 'The security token included in the request is expired')).hint).toMatch(/refresh/);
  });

  it('points at the region and endpoint when the host does not resolve', () => {
    const e = mapped(Object.assign(new Error('getaddrinfo ENOTFOUND ecs.mars-north-1.amazonaws.com'), { code: 'ENOTFOUND' }));
    expect(e.awsCode).toBe('ENOTFOUND');
    expect(e.hint).toMatch(/--region/);
  });

  it('marks throttling codes as throttled and others not', () => {
    expect(mapped(sdkError('ThrottlingException', 'Rate exceeded')).throttled).toBe(true);
    expect(mapped(sdkError('LimitExceededException', 'Too many')).throttled).toBe(true);
    expect(mapped(sdkError('Throttling', 'Rate exceeded')).throttled).toBe(true);
    expect(mapped(sdkError('ClientException', 'bad')).throttled).toBe(false);
  });

  it('turns an aborted call into an interruption, not an AWS failure', () => {
    const abort = Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    expect(toAwsApiError('ECS', 'DescribeServices', abort)).toBeInstanceOf(InterruptedError);
  });

  it('never repeats access key ids or signatures an error message echoes', () => {
    const e = mapped(
      sdkError('SignatureDoesNotMatch', 'Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/ecs/aws4_request, Signature=abcdef0123456789'),
    );
    expect(e.message).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(e.message).not.toContain('abcdef0123456789');
    expect(e.hint).toMatch(/did not accept the credentials/);
  });

  it('keeps the SDK exception behind the port', () => {
    expect(mapped(sdkError('ServerException', 'boom')).cause).toBeUndefined();
  });

  it('passes an already mapped error through untouched', () => {
    const first = mapped(sdkError('ServerException', 'boom'));
    expect(toAwsApiError('ECS', 'Other', first)).toBe(first);
  });
});

describe('port methods', () => {
  const ecs = mockClient(ECSClient);
  const codedeploy = mockClient(CodeDeployClient);
  const cloudwatch = mockClient(CloudWatchClient);

  beforeEach(() => {
    // Strict: any command a test did not expect fails it.
    ecs.reset().onAnyCommand().rejects(new Error('unexpected AWS call'));
    codedeploy.reset().onAnyCommand().rejects(new Error('unexpected AWS call'));
    cloudwatch.reset().onAnyCommand().rejects(new Error('unexpected AWS call'));
  });
  afterAll(() => {
    ecs.restore();
    codedeploy.restore();
    cloudwatch.restore();
  });

  const ports = () =>
    createAwsPorts({ region: 'us-east-1', env: { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'super-secret-value' } });

  it('throw AwsApiError built from the SDK exception, never the exception itself', async () => {
    ecs
      .on(DescribeServicesCommand)
      .rejects(new AccessDeniedException({ message: 'User is not authorized to perform: ecs:DescribeServices', $metadata: meta }));
    const error = await ports()
      .ecs.describeServices({ cluster: 'c', services: ['s'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsApiError);
    expect(error).not.toBeInstanceOf(AccessDeniedException);
    expect((error as AwsApiError).awsCode).toBe('AccessDeniedException');
    expect((error as AwsApiError).hint).toContain('ecs:DescribeServices');
    expect(JSON.stringify({ m: (error as Error).message, h: (error as AwsApiError).hint })).not.toContain('super-secret-value');
  });

  it('keep the AWS code of modelled not-found errors so callers can branch on it', async () => {
    ecs.on(DescribeServicesCommand).rejects(new ClusterNotFoundException({ message: 'Cluster not found.', $metadata: meta }));
    codedeploy
      .on(GetDeploymentGroupCommand)
      .rejects(new DeploymentGroupDoesNotExistException({ message: 'No Deployment Group found', $metadata: meta }));
    const p = ports();
    await expect(p.ecs.describeServices({ cluster: 'c', services: ['s'] })).rejects.toMatchObject({ awsCode: 'ClusterNotFoundException' });
    await expect(p.codedeploy.getDeploymentGroup({ applicationName: 'a', deploymentGroupName: 'g' })).rejects.toMatchObject({
      awsCode: 'DeploymentGroupDoesNotExistException',
      service: 'CodeDeploy',
      operation: 'GetDeploymentGroup',
    });
  });

  it("hand the SDK a signal that aborts when the caller's signal aborts", async () => {
    const seen: (AbortSignal | undefined)[] = [];
    const states: boolean[] = [];
    ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [] });
    const controller = new AbortController();
    const p = ports();
    const send = ECSClient.prototype.send;
    // aws-sdk-client-mock stubs `send`; wrap it once more to see the options the port passes.
    ECSClient.prototype.send = function (this: ECSClient, command: unknown, options: { abortSignal?: AbortSignal } | undefined) {
      seen.push(options?.abortSignal);
      states.push(Boolean(options?.abortSignal?.aborted));
      controller.abort();
      states.push(Boolean(options?.abortSignal?.aborted));
      return (send as (c: unknown, o: unknown) => Promise<unknown>).call(this, command, options);
    } as typeof send;
    try {
      await p.ecs.describeServices({ cluster: 'c', services: ['s'] }, { signal: controller.signal });
    } finally {
      ECSClient.prototype.send = send;
    }
    // Not aborted when the call starts; aborted as soon as the caller aborts mid-call.
    expect(seen[0]).toBeDefined();
    expect(states).toEqual([false, true]);
  });

  it("put one listener on the caller's signal however many calls are in flight", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    ecs.on(DescribeServicesCommand).callsFake(async () => {
      await gate;
      return { services: [], failures: [] };
    });
    const controller = new AbortController();
    const p = ports();
    const calls = Array.from({ length: 20 }, () =>
      p.ecs.describeServices({ cluster: 'c', services: ['s'] }, { signal: controller.signal }),
    );
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    release();
    await Promise.all(calls);
  });

  it('count each logical call once, by Service.Operation', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [] });
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], CompositeAlarms: [] });
    const p = ports();
    await p.ecs.describeServices({ cluster: 'c', services: ['a'] });
    await p.ecs.describeServices({ cluster: 'c', services: ['b'] });
    await p.cloudwatch.describeAlarms({ AlarmNames: ['x'] });
    await p.ecs.describeTaskDefinition({ taskDefinition: 'td:1' }).catch(() => undefined);
    expect(p.calls.counts()).toEqual({
      'CloudWatch.DescribeAlarms': 1,
      'ECS.DescribeServices': 2,
      'ECS.DescribeTaskDefinition': 1,
    });
    expect(p.calls.total()).toBe(4);
  });
});
