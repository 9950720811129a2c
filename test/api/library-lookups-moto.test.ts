// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are manifest lookup syntax, not templates
/**
 * The library reads lookups and pins images as the CLI does, against moto (an emulator no one here wrote) serving
 * SSM, Secrets Manager, ECR and ECS: `plan` reads an `${ssm:...}` and a `${secretsmanager-arn:...}`, pins an ECR tag
 * and records both in the plan; `apply` of that plan deploys the digest it showed, though the tag moved since; a
 * missing parameter is an error at the lookup's file, line and column.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsOptions, apply, loadManifest, ManifestError, plan } from '../../src/index.js';
import { type MotoServer, motoAvailable, motoEc2, startMoto, xmlValue, xmlValues } from '../_helpers/moto.js';

const REGION = 'us-east-1';
const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const available = motoAvailable();

function manifestText(subnet: string, sg: string, parameter = '/shop/db-host'): string {
  return `version: 1
region: us-east-1
services:
  web:
    cluster: shop
    taskDefinition: ./web.task.json
    images:
      web: { image: "${REGISTRY}/shop-web:1.4.2", pin: true }
    desiredCount: 1
    launchType: FARGATE
    networkConfiguration:
      awsvpcConfiguration: { subnets: [${subnet}], securityGroups: [${sg}], assignPublicIp: DISABLED }
    environment:
      web:
        DB_HOST: \${ssm:${parameter}}
`;
}

const TASK_DEFINITION = `{
  "family": "shop-web",
  "networkMode": "awsvpc",
  "requiresCompatibilities": ["FARGATE"],
  "cpu": "256",
  "memory": "512",
  "containerDefinitions": [
    {
      "name": "web",
      "image": "nginx:1",
      "secrets": [{ "name": "API_KEY", "valueFrom": "\${secretsmanager-arn:shop/api}" }]
    }
  ]
}
`;

/** `FILE:LINE:COL` of the first `needle` in the text (where the lookup's `${` is). */
function at(file: string, text: string, needle: string): string {
  const i = text.indexOf(needle);
  const before = text.slice(0, i).split('\n');
  return `${file}:${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
}

function imageManifest(layer: string): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 7023, digest: `sha256:${layer.repeat(64)}` },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 32654, digest: `sha256:${layer.repeat(64)}` }],
  });
}

describe.skipIf(!available)('the library reads lookups and pins images, against moto', () => {
  let moto: MotoServer;
  let dir: string;
  let subnet: string;
  let sg: string;
  let aws: AwsOptions;
  let ecs: ECSClient;
  let ecr: ECRClient;
  let digestA: string;

  beforeAll(async () => {
    moto = await startMoto({ servicesRunning: 1 });
    dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-api-lookups-'));
    const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
    const config = { region: REGION, endpoint: moto.endpoint, credentials };
    aws = { endpoint: moto.endpoint, region: REGION, credentials, env: {} };
    subnet = xmlValues(await motoEc2(moto.endpoint, { Action: 'DescribeSubnets' }), 'subnetId')[0] as string;
    sg = xmlValue(await motoEc2(moto.endpoint, { Action: 'DescribeSecurityGroups' }), 'groupId');

    await new SSMClient(config).send(new PutParameterCommand({ Name: '/shop/db-host', Value: 'db.prod.internal', Type: 'String' }));
    await new SecretsManagerClient(config).send(new CreateSecretCommand({ Name: 'shop/api', SecretString: 'api-secret-value' }));
    ecr = new ECRClient(config);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'shop-web' }));
    const pushed = await ecr.send(
      new PutImageCommand({ repositoryName: 'shop-web', imageTag: '1.4.2', imageManifest: imageManifest('a') }),
    );
    digestA = pushed.image?.imageId?.imageDigest as string;

    ecs = new ECSClient(config);
    await ecs.send(new CreateClusterCommand({ clusterName: 'shop' }));
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'shop-web',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'web', image: `${REGISTRY}/shop-web:1.4.1` }],
      }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'shop',
        serviceName: 'web',
        taskDefinition: td.taskDefinition?.taskDefinitionArn,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: [subnet], securityGroups: [sg], assignPublicIp: 'DISABLED' } },
      }),
    );
    writeFileSync(join(dir, 'web.task.json'), TASK_DEFINITION);
  }, 90_000);

  afterAll(async () => {
    await moto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a missing SSM parameter is a ManifestError at the lookup, and nothing is planned', async () => {
    const text = manifestText(subnet, sg, '/shop/missing');
    writeFileSync(join(dir, 'missing.yaml'), text);
    const manifest = loadManifest('missing.yaml', { cwd: dir, env: {} });
    const error = await plan(manifest, { aws }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManifestError);
    const issue = (error as ManifestError).issues[0];
    expect(`${issue?.file}:${issue?.line}:${issue?.column}`).toBe(at('missing.yaml', text, '${ssm:/shop/missing}'));
    expect(issue?.message).toContain('/shop/missing');
  });

  it('plans with the lookups read and the tag pinned, and apply deploys the pinned digest though the tag moved', async () => {
    const text = manifestText(subnet, sg);
    writeFileSync(join(dir, 'ecsdeploy.yaml'), text);
    const warnings: string[] = [];
    const planned = await plan('ecsdeploy.yaml', { cwd: dir, env: {}, aws, onWarning: (w) => warnings.push(w) });

    const web = planned.services[0];
    const container = web?.desired.taskDefinition.containerDefinitions[0];
    expect(web?.action).toBe('update');
    expect(container?.image).toBe(`${REGISTRY}/shop-web:1.4.2@${digestA}`);
    expect(web?.pinnedImages).toEqual([
      { image: `${REGISTRY}/shop-web:1.4.2`, digest: digestA, pinned: `${REGISTRY}/shop-web:1.4.2@${digestA}` },
    ]);
    expect(container?.environment).toEqual([{ name: 'DB_HOST', value: 'db.prod.internal' }]);
    expect(container?.secrets).toEqual([
      { name: 'API_KEY', valueFrom: expect.stringMatching(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:shop\/api-\w{6}$/) },
    ]);
    expect(planned.lookups).toEqual([
      { lookup: 'ssm:/shop/db-host', at: [at('ecsdeploy.yaml', text, '${ssm:')], fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) },
      {
        lookup: 'secretsmanager-arn:shop/api',
        at: [at('web.task.json', TASK_DEFINITION, '${secretsmanager-arn:')],
        fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    expect(planned.calls).toMatchObject({ 'SSM.GetParameters': 1, 'SecretsManager.DescribeSecret': 1, 'ECR.DescribeImages': 1 });
    expect(warnings).toEqual([]);
    // A manifest loadManifest returned is loaded again, with the options it was loaded with, and planned the same.
    const fromValue = await plan(loadManifest('ecsdeploy.yaml', { cwd: dir, env: {} }), { aws });
    expect(fromValue.services[0]?.desired).toEqual(web?.desired);
    expect(fromValue.lookups).toEqual(planned.lookups);

    // The tag moves after the plan was reviewed: what the plan showed is what is deployed.
    await ecr.send(new PutImageCommand({ repositoryName: 'shop-web', imageTag: '1.4.2', imageManifest: imageManifest('b') }));
    const result = await apply(planned, { aws });
    expect(result.outcome).toBe('succeeded');
    const service = (await ecs.send(new DescribeServicesCommand({ cluster: 'shop', services: ['web'] }))).services?.[0];
    const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: service?.taskDefinition }))).taskDefinition;
    expect(td?.containerDefinitions?.[0]?.image).toBe(`${REGISTRY}/shop-web:1.4.2@${digestA}`);
    expect(td?.containerDefinitions?.[0]?.environment).toEqual([{ name: 'DB_HOST', value: 'db.prod.internal' }]);
  });
});
