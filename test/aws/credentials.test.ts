/**
 * Which credentials sign the requests, checked on the wire: a local endpoint records the Authorization header's
 * access key id (and answers STS AssumeRole for --assume-role-arn).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import { type FakeEndpoint, startFakeEndpoint } from './fake-endpoint.js';

const keyIdOf = (authorization: string | undefined) => /Credential=([^/]+)\//.exec(authorization ?? '')?.[1];

const ASSUME_ROLE_RESPONSE = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>ASIAASSUMEDEXAMPLE01</AccessKeyId>
      <SecretAccessKey>assumed-secret</SecretAccessKey>
      <SessionToken>assumed-token</SessionToken>
      <Expiration>2099-01-01T00:00:00Z</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/deployer/ecsdeploy</Arn>
      <AssumedRoleId>AROAEXAMPLE:ecsdeploy</AssumedRoleId>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>sts-1</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;

describe('credentials', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0)) await fn();
    vi.unstubAllEnvs();
  });

  async function ecsEndpoint(): Promise<FakeEndpoint> {
    const server = await startFakeEndpoint(() => ({ status: 200, body: { services: [], failures: [] } }));
    cleanup.push(() => server.close());
    return server;
  }

  it('uses a profile from the shared files named in the env passed in, over environment keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-aws-config-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'config'), '[profile deploy]\nregion = eu-west-1\n');
    writeFileSync(join(dir, 'credentials'), '[deploy]\naws_access_key_id = AKIAPROFILEEXAMPLE01\naws_secret_access_key = profile-secret\n');
    const ecs = await ecsEndpoint();
    const ports = createAwsPorts({
      region: 'us-east-1',
      profile: 'deploy',
      endpointUrl: ecs.url,
      env: {
        AWS_CONFIG_FILE: join(dir, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
        AWS_ACCESS_KEY_ID: 'AKIAENVIRONMENTKEY01',
        AWS_SECRET_ACCESS_KEY: 'env-secret',
      },
    });
    await ports.ecs.describeServices({ cluster: 'c', services: ['s'] });
    expect(keyIdOf(ecs.requests[0]?.authorization)).toBe('AKIAPROFILEEXAMPLE01');
  });

  it('assumes --assume-role-arn with the external id through the STS endpoint, and signs with the role', async () => {
    const sts = await startFakeEndpoint(() => ({
      status: 200,
      body: '',
      raw: ASSUME_ROLE_RESPONSE,
      headers: { 'content-type': 'text/xml' },
    }));
    cleanup.push(() => sts.close());
    const ecs = await startFakeEndpoint(() => ({ status: 200, body: { services: [], failures: [] } }));
    cleanup.push(() => ecs.close());
    const ports = createAwsPorts({
      region: 'us-east-1',
      assumeRoleArn: 'arn:aws:iam::123456789012:role/deployer',
      externalId: 'ext-42',
      env: {
        AWS_ACCESS_KEY_ID: 'AKIABASEKEYEXAMPLE01',
        AWS_SECRET_ACCESS_KEY: 'base-secret',
        AWS_ENDPOINT_URL_STS: sts.url,
        AWS_ENDPOINT_URL_ECS: ecs.url,
      },
    });
    await ports.ecs.describeServices({ cluster: 'c', services: ['s'] });
    const assume = new URLSearchParams(sts.requests[0]?.body);
    expect(assume.get('Action')).toBe('AssumeRole');
    expect(assume.get('RoleArn')).toBe('arn:aws:iam::123456789012:role/deployer');
    expect(assume.get('ExternalId')).toBe('ext-42');
    expect(keyIdOf(sts.requests[0]?.authorization)).toBe('AKIABASEKEYEXAMPLE01');
    expect(keyIdOf(ecs.requests[0]?.authorization)).toBe('ASIAASSUMEDEXAMPLE01');
  });

  it('fails with a hint on how to provide credentials when there are none', async () => {
    // The chain's instance-role step reads process.env; keep it from finding a real role on a CI machine.
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', undefined);
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', undefined);
    const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-aws-empty-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'empty'), '');
    // A profile that exists but holds no credentials (a profile also keeps the chain off the environment's keys).
    writeFileSync(join(dir, 'config'), '[profile missing]\nregion = us-east-1\n');
    const ecs = await ecsEndpoint();
    const ports = createAwsPorts({
      region: 'us-east-1',
      profile: 'missing',
      endpointUrl: ecs.url,
      maxAttempts: 1,
      env: { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'empty') },
    });
    const error = await ports.ecs.describeServices({ cluster: 'c', services: ['s'] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AWS_API_ERROR', service: 'ECS', operation: 'DescribeServices' });
    expect((error as { hint?: string }).hint).toMatch(/--profile|AWS_ACCESS_KEY_ID/);
    expect(ecs.requests).toHaveLength(0);
  });

  it.each([
    ['--profile', { profile: 'deplyo' }, {}],
    ['AWS_PROFILE', {}, { AWS_PROFILE: 'deplyo' }],
  ] as const)(
    'names a profile given by %s that is not defined, and where it was looked for, before any call',
    async (from, flag, extraEnv) => {
      const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-aws-profiles-'));
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
      writeFileSync(
        join(dir, 'config'),
        '[default]\nregion = eu-west-1\n[profile deploy]\nregion = eu-west-1\n[sso-session corp]\nsso_region = eu-west-1\n',
      );
      writeFileSync(join(dir, 'credentials'), '[ci]\naws_access_key_id = AKIAPROFILEEXAMPLE02\naws_secret_access_key = ci-secret\n');
      const ecs = await ecsEndpoint();
      const env = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), ...extraEnv };
      expect(() => createAwsPorts({ region: 'us-east-1', endpointUrl: ecs.url, env, ...flag })).toThrow(
        expect.objectContaining({
          code: 'AWS_PROFILE_NOT_FOUND',
          message: `the AWS profile \`deplyo\` (from ${from}) is not defined in ${join(dir, 'config')} or ${join(dir, 'credentials')}`,
          hint: 'profiles defined there: default, deploy, ci',
        }),
      );
      expect(ecs.requests).toHaveLength(0);
    },
  );

  it('looks for the shared files in the home directory of the env passed in when no file is named', () => {
    const home = mkdtempSync(join(tmpdir(), 'ecsdeploy-aws-home-'));
    cleanup.push(() => rmSync(home, { recursive: true, force: true }));
    expect(() => createAwsPorts({ region: 'us-east-1', profile: 'prod', env: { HOME: home } })).toThrow(
      `the AWS profile \`prod\` (from --profile) is not defined in ${join(home, '.aws', 'config')} or ${join(home, '.aws', 'credentials')}`,
    );
  });
});
