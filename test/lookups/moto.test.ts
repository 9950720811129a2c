// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are manifest lookup syntax, not templates
/**
 * Lookups and image pinning end to end, against moto (an AWS emulator no one here wrote) serving SSM, Secrets
 * Manager, S3, CloudFormation, ECR and ECS: the real CLI plans a service whose subnets, security group, cluster,
 * environment, secrets and image come from lookups; a saved plan is refused when a lookup changed and deploys its
 * pinned digest when the tag moved; a SecureString is never put anywhere; --sandbox reads lookups only from an
 * emulator it is pointed at.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { Plan } from '../../src/plan/types.js';
import { capture } from '../_helpers/capture.js';
import { type MotoServer, motoAvailable, motoEc2, startMoto, xmlValue, xmlValues } from '../_helpers/moto.js';

const REGION = 'us-east-1';
const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const SECURE_VALUE = 'hunter2-SecureString-value-77';
const SENSITIVE_TF = 'db-7f3a.sensitive.internal';
const available = motoAvailable();

const MANIFEST = `version: 1
region: us-east-1
vars:
  stage: prod
tfstate:
  net: { s3: "s3://tf-state/shop/\${var:stage}.tfstate" }
  app: { path: ./app.tfstate }
services:
  web:
    cluster: \${tfstate:net:output.cluster_name}
    taskDefinition: ./web.task.json
    images:
      web: { image: "${REGISTRY}/shop-web:\${env:IMAGE_TAG}", pin: true }
    desiredCount: 2
    launchType: FARGATE
    networkConfiguration:
      awsvpcConfiguration:
        subnets:
          - \${tfstate:net:module.net.aws_subnet.private["a"].id}
          - \${ssm:/shop/\${var:stage}/subnet-b}
        securityGroups: ["\${cfn:shop-network.SecurityGroup}"]
        assignPublicIp: DISABLED
    environment:
      web:
        DB_HOST: \${ssm:/shop/\${var:stage}/db-host}
        LOG_GROUP: \${tfstate:app:output.log_group}
        DB_URL: postgres://app@\${tfstate:net:output.db_host}/shop
`;

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
      "secrets": [
        { "name": "DB_PASSWORD", "valueFrom": "\${ssm-arn:/shop/db-password}" },
        { "name": "API_KEY", "valueFrom": "\${secretsmanager-arn:shop/api}" }
      ]
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

describe.skipIf(!available)('lookups and pinned images against moto', () => {
  let moto: MotoServer;
  let dir: string;
  let subnets: string[];
  let sg: string;
  let ecs: ECSClient;
  let ecr: ECRClient;
  let ssm: SSMClient;
  let digestA: string;

  async function cli(args: string[], env: Record<string, string> = {}, cwd = dir) {
    const stdout = capture();
    const stderr = capture();
    // Each command takes only the options it reads: the task definition cache is plan's and apply's, and render
    // prints JSON (no colour).
    const command = args[0] ?? '';
    const quiet = [...(['plan', 'apply'].includes(command) ? ['--no-cache'] : []), ...(command === 'render' ? [] : ['--no-color'])];
    const code = await run([...args, ...quiet], {
      env: { ...moto.env, IMAGE_TAG: '1.4.2', ...env },
      cwd,
      stdout: stdout.stream,
      stderr: stderr.stream,
      isTTY: false,
      stdinIsTTY: false,
      isCI: true,
    });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  }

  beforeAll(async () => {
    process.env.MOTO_ECS_SERVICE_RUNNING = '2';
    moto = await startMoto();
    dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-lookups-moto-'));
    const config = { region: REGION, endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
    subnets = xmlValues(await motoEc2(moto.endpoint, { Action: 'DescribeSubnets' }), 'subnetId');
    sg = xmlValue(await motoEc2(moto.endpoint, { Action: 'DescribeSecurityGroups' }), 'groupId');

    ssm = new SSMClient(config);
    const put = (Name: string, Value: string, Type: 'String' | 'SecureString' = 'String') =>
      ssm.send(new PutParameterCommand({ Name, Value, Type, Overwrite: true }));
    await put('/shop/prod/db-host', 'db.prod.internal');
    await put('/shop/prod/subnet-b', subnets[1] as string);
    await put('/shop/db-password', SECURE_VALUE, 'SecureString');
    await new SecretsManagerClient(config).send(new CreateSecretCommand({ Name: 'shop/api', SecretString: 'api-secret-value' }));

    const state = {
      version: 4,
      terraform_version: '1.9.5',
      serial: 3,
      lineage: '6f0c0000-0000-4000-8000-000000000000',
      outputs: { cluster_name: { value: 'shop', type: 'string' }, db_host: { value: SENSITIVE_TF, type: 'string', sensitive: true } },
      resources: [
        {
          module: 'module.net',
          mode: 'managed',
          type: 'aws_subnet',
          name: 'private',
          provider: 'provider["registry.terraform.io/hashicorp/aws"]',
          instances: [{ index_key: 'a', schema_version: 1, attributes: { id: subnets[0] } }],
        },
      ],
    };
    const s3 = new S3Client(config);
    await s3.send(new CreateBucketCommand({ Bucket: 'tf-state' }));
    await s3.send(new PutObjectCommand({ Bucket: 'tf-state', Key: 'shop/prod.tfstate', Body: JSON.stringify(state) }));
    writeFileSync(
      join(dir, 'app.tfstate'),
      JSON.stringify({ version: 4, outputs: { log_group: { value: '/ecs/shop-web', type: 'string' } }, resources: [] }),
    );

    const template = {
      // moto's CloudFormation fails creating an SSM parameter resource; a topic it creates fine
      Resources: { Marker: { Type: 'AWS::SNS::Topic', Properties: {} } },
      Outputs: { SecurityGroup: { Value: sg } },
    };
    await new CloudFormationClient(config).send(
      new CreateStackCommand({ StackName: 'shop-network', TemplateBody: JSON.stringify(template) }),
    );

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
        desiredCount: 2,
        launchType: 'FARGATE',
        networkConfiguration: {
          awsvpcConfiguration: { subnets: [subnets[0] as string], securityGroups: [sg], assignPublicIp: 'DISABLED' },
        },
      }),
    );
    writeFileSync(join(dir, 'ecsdeploy.yaml'), MANIFEST);
    writeFileSync(join(dir, 'web.task.json'), TASK_DEFINITION);
  }, 90_000);

  afterAll(async () => {
    delete process.env.MOTO_ECS_SERVICE_RUNNING;
    await moto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('plans with every lookup read once and the image pinned to its digest', async () => {
    const r = await cli(['plan', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as Plan;
    const web = plan.services[0];
    const container = web?.desired.taskDefinition.containerDefinitions[0];
    expect(container?.image).toBe(`${REGISTRY}/shop-web:1.4.2@${digestA}`);
    expect(web?.pinnedImages).toEqual([
      { image: `${REGISTRY}/shop-web:1.4.2`, digest: digestA, pinned: `${REGISTRY}/shop-web:1.4.2@${digestA}` },
    ]);
    expect(container?.secrets).toEqual([
      { name: 'DB_PASSWORD', valueFrom: `arn:aws:ssm:${REGION}:123456789012:parameter/shop/db-password` },
      { name: 'API_KEY', valueFrom: expect.stringMatching(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:shop\/api-\w{6}$/) },
    ]);
    expect(container?.environment).toEqual([
      { name: 'DB_HOST', value: 'db.prod.internal' },
      { name: 'LOG_GROUP', value: '/ecs/shop-web' },
      // holds a value Terraform marks sensitive: shown as such
      { name: 'DB_URL', value: '(sensitive)' },
    ]);
    expect(web?.cluster).toBe('shop');
    expect(web?.desired.service.networkConfiguration).toEqual({
      awsvpcConfiguration: { subnets: subnets.slice(0, 2), securityGroups: [sg], assignPublicIp: 'DISABLED' },
    });
    // batched: three SSM names in one call; each state, secret, stack and repository read once
    expect(plan.calls).toMatchObject({
      'SSM.GetParameters': 1,
      'S3.GetObject': 1,
      'SecretsManager.DescribeSecret': 1,
      'CloudFormation.DescribeStacks': 1,
      'ECR.DescribeImages': 1,
    });
    expect(plan.lookups?.find((l) => l.lookup === 'ssm:/shop/prod/db-host')).toEqual({
      lookup: 'ssm:/shop/prod/db-host',
      at: [at('ecsdeploy.yaml', MANIFEST, '${ssm:/shop/${var:stage}/db-host}')],
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(plan.lookups?.find((l) => l.lookup.startsWith('ssm-arn'))?.at).toEqual([at('web.task.json', TASK_DEFINITION, '${ssm-arn:')]);
    expect(r.stdout).not.toContain(SENSITIVE_TF);
    expect(r.stdout).not.toContain(SECURE_VALUE);
  });

  it('shows the pinned reference in the text plan, and never a sensitive value', async () => {
    const r = await cli(['plan']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`pinned: ${REGISTRY}/shop-web:1.4.2@${digestA}`);
    expect(r.stdout).toContain('lookups read: ${tfstate:net:output.cluster_name}');
    expect(r.stdout + r.stderr).not.toContain(SENSITIVE_TF);
  });

  it('render shows lookups unread without AWS, and read with --resolve-lookups', async () => {
    const unread = await cli(['render']);
    expect(unread.code).toBe(0);
    const before = JSON.parse(unread.stdout);
    expect(before.services[0].cluster).toBe('${tfstate:net:output.cluster_name}');
    expect(before.lookups.every((l: { read: boolean }) => l.read === false)).toBe(true);
    const read = await cli(['render', '--resolve-lookups']);
    expect(read.stderr).toBe('');
    const after = JSON.parse(read.stdout);
    expect(after.services[0].cluster).toBe('shop');
    expect(after.services[0].images.web).toBe(`${REGISTRY}/shop-web:1.4.2@${digestA}`);
    expect(after.lookups.every((l: { read: boolean }) => l.read === true)).toBe(true);
    expect(read.stdout).not.toContain(SENSITIVE_TF);
  });

  it('refuses a saved plan when a lookup changed since, naming it and where it is written, and changes nothing', async () => {
    expect((await cli(['plan', '--out', 'stale.json'])).code).toBe(0);
    await ssm.send(new PutParameterCommand({ Name: '/shop/prod/db-host', Value: 'db2.prod.internal', Type: 'String', Overwrite: true }));
    const revisions = (await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'shop-web' }))).taskDefinitionArns?.length;
    try {
      const r = await cli(['apply', 'stale.json']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('error [PLAN_STALE]');
      expect(r.stderr).toContain(
        `lookup \${ssm:/shop/prod/db-host} (${at('ecsdeploy.yaml', MANIFEST, '${ssm:/shop/${var:stage}/db-host}')}) has a different value than when the plan was made`,
      );
      expect(r.stderr).not.toContain('db2.prod.internal');
      expect((await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'shop-web' }))).taskDefinitionArns?.length).toBe(revisions);
      // the plan keeps each lookup's fingerprint, not its value
      expect(JSON.stringify(JSON.parse(readFileSync(join(dir, 'stale.json'), 'utf8')).lookups)).not.toContain('db.prod.internal');
    } finally {
      await ssm.send(new PutParameterCommand({ Name: '/shop/prod/db-host', Value: 'db.prod.internal', Type: 'String', Overwrite: true }));
    }
  });

  it('applies a saved plan with the digest it showed, though the tag moved since, and says the tag moved', async () => {
    expect((await cli(['plan', '--out', 'plan.json'])).code).toBe(0);
    // the tag moves to another image after the review
    const moved = await ecr.send(new PutImageCommand({ repositoryName: 'shop-web', imageTag: '1.4.2', imageManifest: imageManifest('b') }));
    const digestB = moved.image?.imageId?.imageDigest as string;
    expect(digestB).not.toBe(digestA);

    const r = await cli(['apply', 'plan.json', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`warning: ${REGISTRY}/shop-web:1.4.2 now points to ${digestB}; deploying ${digestA} as planned`);
    const service = (await ecs.send(new DescribeServicesCommand({ cluster: 'shop', services: ['web'] }))).services?.[0];
    const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: service?.taskDefinition }))).taskDefinition;
    expect(td?.containerDefinitions?.[0]?.image).toBe(`${REGISTRY}/shop-web:1.4.2@${digestA}`);
    expect(td?.containerDefinitions?.[0]?.environment).toContainEqual({ name: 'DB_URL', value: `postgres://app@${SENSITIVE_TF}/shop` });
    expect(r.stdout + r.stderr).not.toContain(SENSITIVE_TF);

    // status reads the lookups too (the cluster comes from the Terraform state)
    const status = await cli(['status', '--format', 'json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual([expect.objectContaining({ cluster: 'shop', service: 'web' })]);

    // a new plan pins the tag where it points now: that is the change left to apply
    const next = await cli(['plan', '--format', 'json', '--detailed-exitcode']);
    expect(next.code).toBe(2);
    expect((JSON.parse(next.stdout) as Plan).services[0]?.pinnedImages?.[0]?.digest).toBe(digestB);
  });

  it('fails the plan naming repository and tag when the tag does not exist', async () => {
    const r = await cli(['plan'], { IMAGE_TAG: '9.9.9' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'error [IMAGE_TAG_NOT_FOUND]: cannot pin web: tag 9.9.9 does not exist in ECR repository shop-web (registry 123456789012, us-east-1)',
    );
  });

  it('refuses a SecureString in environment at its position, pointing to secrets, and never shows its value', async () => {
    const text = MANIFEST.replace('DB_HOST: ${ssm:/shop/${var:stage}/db-host}', 'DB_PASSWORD: ${ssm:/shop/db-password}');
    const sub = mkdtempSync(join(tmpdir(), 'ecsdeploy-securestring-'));
    writeFileSync(join(sub, 'ecsdeploy.yaml'), text);
    writeFileSync(join(sub, 'web.task.json'), TASK_DEFINITION);
    writeFileSync(join(sub, 'app.tfstate'), readFileSync(join(dir, 'app.tfstate')));
    for (const args of [['plan'], ['render', '--resolve-lookups'], ['apply', '--yes']]) {
      const r = await cli(args, {}, sub);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `${at('ecsdeploy.yaml', text, '${ssm:/shop/db-password}')}: services.web.environment.web.DB_PASSWORD: SSM parameter /shop/db-password is a SecureString: its value is never put in a task definition or a plan; give it to the container as a secret, \`secrets: [{ name: ..., valueFrom: "\${ssm-arn:/shop/db-password}" }]\``,
      );
      // moto hands the plain value back even without decryption: it must go nowhere
      expect(r.stdout + r.stderr).not.toContain(SECURE_VALUE);
    }
  });

  it('--sandbox reads lookups only from an emulator it is pointed at, and pins nothing there', async () => {
    const stderr = capture();
    const refused = await run(['plan', '--sandbox', '--no-color'], {
      env: { IMAGE_TAG: '1.4.2' },
      cwd: dir,
      stdout: capture().stream,
      stderr: stderr.stream,
      isTTY: false,
      isCI: true,
    });
    expect(refused).toBe(1);
    expect(stderr.text()).toBe(
      "error [LOOKUP_SERVICE_NOT_IN_SANDBOX]: the sandbox does not serve S3, SSM, CloudFormation and SecretsManager, which the manifest's lookups read; nothing was read\n" +
        'hint: point AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_SSM, AWS_ENDPOINT_URL_CLOUDFORMATION and AWS_ENDPOINT_URL_SECRETS_MANAGER (or AWS_ENDPOINT_URL) at an emulator that serves them, such as moto\n',
    );

    const r = await cli(['plan', '--sandbox', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `warning: web: ${REGISTRY}/shop-web:1.4.2 is not pinned under --sandbox (the sandbox has no ECR); deployed as written`,
    );
    const plan = JSON.parse(r.stdout) as Plan;
    expect(plan.services[0]?.desired.taskDefinition.containerDefinitions[0]?.image).toBe(`${REGISTRY}/shop-web:1.4.2`);
    expect(plan.services[0]?.cluster).toBe('shop');
  });
});
