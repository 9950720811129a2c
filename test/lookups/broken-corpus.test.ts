/**
 * The corpus of manifests whose lookups cannot be used, found only when they are read: each
 * test/fixtures/broken-lookups/NAME.yaml must make `ecsdeploy render --resolve-lookups` (against moto, seeded
 * below) exit 1 with exactly the text in NAME.expected on stderr, nothing on stdout, never a stack, never a value.
 * (Lookups that are wrong as written are in test/fixtures/broken/, found by `validate` without AWS.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { capture } from '../_helpers/capture.js';
import { type MotoServer, motoAvailable, startMoto } from '../_helpers/moto.js';
import { REPO } from '../manifest/paths.js';

const DIR = join(REPO, 'test/fixtures/broken-lookups');
const cases = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const SECRET = 'hunter2-db-password-3141';
const BAD_CLUSTER = 'shop prod cluster!';
const STACK = /^\s+at .+:\d+:\d+\)?$/m;
const available = motoAvailable();

describe.skipIf(!available)('the broken-lookups corpus', () => {
  let moto: MotoServer;

  beforeAll(async () => {
    moto = await startMoto();
    const config = { region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
    const ssm = new SSMClient(config);
    await ssm.send(new PutParameterCommand({ Name: '/shop/db-host', Value: 'db.internal', Type: 'String' }));
    await ssm.send(new PutParameterCommand({ Name: '/shop/db-password', Value: SECRET, Type: 'SecureString' }));
    await ssm.send(new PutParameterCommand({ Name: '/shop/cluster-name', Value: BAD_CLUSTER, Type: 'String' }));
    const template = {
      Resources: { Marker: { Type: 'AWS::SNS::Topic', Properties: {} } },
      Outputs: { Vpc: { Value: 'vpc-1' }, SubnetA: { Value: 'subnet-a' } },
    };
    await new CloudFormationClient(config).send(
      new CreateStackCommand({ StackName: 'shop-network', TemplateBody: JSON.stringify(template) }),
    );
    const ecr = new ECRClient(config);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'shop-web' }));
    const manifest = {
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 1, digest: `sha256:${'c'.repeat(64)}` },
      layers: [],
    };
    await ecr.send(new PutImageCommand({ repositoryName: 'shop-web', imageTag: '1.0.0', imageManifest: JSON.stringify(manifest) }));
  }, 120_000);

  afterAll(async () => {
    await moto?.stop();
  });

  it('holds a case for each kind of problem, each with its expected message', () => {
    expect(cases.length).toBeGreaterThanOrEqual(6);
    for (const c of cases) expect(readdirSync(DIR)).toContain(c.replace(/\.yaml$/, '.expected'));
  });

  it.each(cases)('%s fails with exactly the expected message', async (file) => {
    const expected = readFileSync(join(DIR, file.replace(/\.yaml$/, '.expected')), 'utf8');
    const stdout = capture();
    const stderr = capture();
    const code = await run(['render', '--resolve-lookups', '-f', `test/fixtures/broken-lookups/${file}`], {
      env: moto.env,
      cwd: REPO,
      stdout: stdout.stream,
      stderr: stderr.stream,
      isTTY: false,
      isCI: true,
    });
    expect(stderr.text()).toBe(expected);
    expect(code).toBe(1);
    expect(stdout.text()).toBe('');
    expect(stderr.text()).not.toMatch(STACK);
    expect(stderr.text()).not.toContain(SECRET);
    expect(stderr.text()).not.toContain(BAD_CLUSTER);
  });
});
