// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are manifest lookup syntax, not templates
/**
 * Reading lookups through the real SDK clients with aws-sdk-client-mock (any call not answered fails the test):
 * how calls are batched, that each thing is read once, what is never asked for (a secret's value, a decrypted
 * parameter), and that every failure is a manifest issue at each place the lookup is written, never with a value.
 */
import { writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeSecretCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParametersCommand, type ParameterType, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createLookupPorts } from '../../src/aws/clients.js';
import { AwsApiError, ManifestError } from '../../src/errors/index.js';
import { lookupFingerprint, type LookupRequest, readLookups } from '../../src/live/lookups/index.js';
import { isLookupKind, parseLookup } from '../../src/manifest/lookup-syntax.js';
import type { LookupSite, TfstateSource } from '../../src/model/lookups.js';

const ssm = mockClient(SSMClient);
const sm = mockClient(SecretsManagerClient);
const cfn = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);

const REGION = 'eu-west-1';
const ports = () => createLookupPorts({ region: REGION, env: {}, credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } });

/** A request for `kind:key`, written at the given lines of ecsdeploy.yaml. */
function request(text: string, ...lines: number[]): LookupRequest {
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon);
  if (!isLookupKind(kind)) throw new Error(kind);
  const parsed = parseLookup(kind, text.slice(colon + 1));
  if (!parsed.ok) throw new Error(parsed.message);
  const sites: LookupSite[] = (lines.length ? lines : [1]).map((line) => ({
    lookup: parsed.lookup,
    text: parsed.text,
    file: 'ecsdeploy.yaml',
    line,
    column: 7,
    path: `services.web.environment.web.L${line}`,
    token: `t${line}`,
  }));
  return { text: parsed.text, lookup: parsed.lookup, sites };
}

async function issues(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ManifestError) return error.issues.map((i) => `${i.line}: ${i.message}`);
    throw error;
  }
  throw new Error('expected a ManifestError');
}

function parameter(name: string, value: string, type: ParameterType = 'String') {
  return {
    Name: name,
    Type: type,
    Value: value,
    ARN: `arn:aws:ssm:${REGION}:123456789012:parameter${name.startsWith('/') ? '' : '/'}${name}`,
  };
}

beforeEach(() => {
  ssm.reset().onAnyCommand().rejects(new Error('unexpected AWS call'));
  sm.reset().onAnyCommand().rejects(new Error('unexpected AWS call'));
  cfn.reset().onAnyCommand().rejects(new Error('unexpected AWS call'));
  s3.reset().onAnyCommand().rejects(new Error('unexpected AWS call'));
});

describe('SSM parameters', () => {
  it('asks GetParameters for 10 names a call, each name once for ${ssm:...} and ${ssm-arn:...} alike, never decrypting', async () => {
    const names = Array.from({ length: 23 }, (_, i) => `/shop/p${i}`);
    ssm
      .on(GetParametersCommand)
      .callsFake(async (input: { Names: string[] }) => ({ Parameters: input.Names.map((n) => parameter(n, `v-${n}`)) }));
    const requests = [...names.map((n) => request(`ssm:${n}`)), request('ssm-arn:/shop/p0'), request('ssm-arn:/shop/p22')];
    const values = await readLookups(await ports(), requests);
    const calls = ssm.commandCalls(GetParametersCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Names?.length).sort()).toEqual([10, 10, 3]);
    expect(calls.flatMap((c) => c.Names).sort()).toEqual([...names].sort());
    expect(calls.every((c) => c.WithDecryption === false)).toBe(true);
    expect(values.get('ssm:/shop/p7')).toEqual({
      value: 'v-/shop/p7',
      sensitive: false,
      fingerprint: lookupFingerprint('ssm:/shop/p7', 'v-/shop/p7'),
    });
    expect(values.get('ssm-arn:/shop/p22')?.value).toBe(`arn:aws:ssm:${REGION}:123456789012:parameter/shop/p22`);
  });

  it('keeps a StringList as stored, and treats a parameter named like a secret as one', async () => {
    ssm.on(GetParametersCommand).resolves({
      Parameters: [parameter('/net/subnets', 'subnet-a,subnet-b', 'StringList'), parameter('/shop/api-token', 'tok-plain-123456')],
    });
    const values = await readLookups(await ports(), [request('ssm:/net/subnets'), request('ssm:/shop/api-token')]);
    expect(values.get('ssm:/net/subnets')).toMatchObject({ value: 'subnet-a,subnet-b', sensitive: false });
    expect(values.get('ssm:/shop/api-token')).toMatchObject({ sensitive: true });
  });

  it('refuses a SecureString with ${ssm:...} wherever it is written, pointing to secrets and ${ssm-arn:...}, and never holds its value', async () => {
    // Some emulators return the plain value even without decryption; it must go nowhere.
    ssm.on(GetParametersCommand).resolves({ Parameters: [parameter('/shop/db-password', 'hunter2-plain-SECRET', 'SecureString')] });
    const found = await issues(readLookups(await ports(), [request('ssm:/shop/db-password', 4, 9)]));
    expect(found).toEqual([
      '4: SSM parameter /shop/db-password is a SecureString: its value is never put in a task definition or a plan; give it to the container as a secret, `secrets: [{ name: ..., valueFrom: "${ssm-arn:/shop/db-password}" }]`',
      '9: SSM parameter /shop/db-password is a SecureString: its value is never put in a task definition or a plan; give it to the container as a secret, `secrets: [{ name: ..., valueFrom: "${ssm-arn:/shop/db-password}" }]`',
    ]);
    // its ARN is fine: ECS reads the value when a task starts
    const values = await readLookups(await ports(), [request('ssm-arn:/shop/db-password')]);
    expect(values.get('ssm-arn:/shop/db-password')?.value).toBe(`arn:aws:ssm:${REGION}:123456789012:parameter/shop/db-password`);
    expect(JSON.stringify([...values])).not.toContain('hunter2');
  });

  it('names every missing parameter at every place it is written, all at once', async () => {
    ssm.on(GetParametersCommand).resolves({ Parameters: [parameter('/a', 'x')], InvalidParameters: ['/b', '/c'] });
    const found = await issues(readLookups(await ports(), [request('ssm:/a', 1), request('ssm:/b', 2, 5), request('ssm-arn:/c', 3)]));
    expect(found).toEqual([
      '2: no SSM parameter /b in eu-west-1 (read as `${ssm:/b}`)',
      '5: no SSM parameter /b in eu-west-1 (read as `${ssm:/b}`)',
      '3: no SSM parameter /c in eu-west-1 (read as `${ssm-arn:/c}`)',
    ]);
  });

  it('lets an AWS error through as itself (access denied is not a missing value)', async () => {
    ssm.on(GetParametersCommand).rejects(
      Object.assign(new Error('User is not authorized to perform ssm:GetParameters'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    await expect(readLookups(await ports(), [request('ssm:/a')])).rejects.toMatchObject({
      awsCode: 'AccessDeniedException',
      operation: 'GetParameters',
    });
  });
});

describe('Secrets Manager ARNs', () => {
  it('describes each secret once (the ARN with its suffix), never asking for its value', async () => {
    sm.on(DescribeSecretCommand).callsFake(async (input: { SecretId: string }) => ({
      ARN: `arn:aws:secretsmanager:${REGION}:123456789012:secret:${input.SecretId}-AbCdEf`,
      Name: input.SecretId,
    }));
    const values = await readLookups(await ports(), [request('secretsmanager-arn:shop/api', 1, 2), request('secretsmanager-arn:shop/db')]);
    expect(
      sm
        .commandCalls(DescribeSecretCommand)
        .map((c) => c.args[0].input.SecretId)
        .sort(),
    ).toEqual(['shop/api', 'shop/db']);
    expect(sm.calls().every((c) => c.args[0] instanceof DescribeSecretCommand)).toBe(true);
    expect(values.get('secretsmanager-arn:shop/api')?.value).toBe(`arn:aws:secretsmanager:${REGION}:123456789012:secret:shop/api-AbCdEf`);
  });

  it('a missing secret, or one scheduled for deletion, is an issue where it is written', async () => {
    sm.on(DescribeSecretCommand, { SecretId: 'gone' })
      .rejects(new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} }))
      .on(DescribeSecretCommand, { SecretId: 'old' })
      .resolves({ ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:old-x', DeletedDate: new Date() });
    expect(await issues(readLookups(await ports(), [request('secretsmanager-arn:gone', 3), request('secretsmanager-arn:old', 4)]))).toEqual(
      ['3: no secret gone in Secrets Manager in eu-west-1', '4: secret old is scheduled for deletion; tasks could not read it'],
    );
  });
});

describe('CloudFormation outputs', () => {
  it('describes each stack once, and names the outputs a stack has when one is missing', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'net' }).resolves({
      Stacks: [
        {
          StackName: 'net',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [
            { OutputKey: 'Vpc', OutputValue: 'vpc-1' },
            { OutputKey: 'SubnetA', OutputValue: 'subnet-a' },
          ],
        },
      ],
    });
    cfn
      .on(DescribeStacksCommand, { StackName: 'nope' })
      .rejects(
        Object.assign(new Error('Stack with id nope does not exist'), { name: 'ValidationError', $metadata: { httpStatusCode: 400 } }),
      );
    const ok = await readLookups(await ports(), [request('cfn:net.Vpc'), request('cfn:net.SubnetA')]);
    expect([ok.get('cfn:net.Vpc')?.value, ok.get('cfn:net.SubnetA')?.value]).toEqual(['vpc-1', 'subnet-a']);
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(1);
    expect(await issues(readLookups(await ports(), [request('cfn:net.Cluster', 6), request('cfn:nope.X', 7)]))).toEqual([
      '6: stack net has no output Cluster (outputs: Vpc, SubnetA)',
      '7: no CloudFormation stack nope in eu-west-1',
    ]);
  });
});

describe('Terraform states', () => {
  const state = JSON.stringify({
    version: 4,
    outputs: { cluster: { value: 'shop' }, token: { value: 'tf-sensitive-token-1', sensitive: true } },
    resources: [{ mode: 'managed', type: 'aws_sqs_queue', name: 'jobs', instances: [{ attributes: { url: 'https://sqs/jobs' } }] }],
  });

  it('reads an S3 state once for all its addresses; a sensitive output is marked', async () => {
    s3.on(GetObjectCommand, { Bucket: 'tf-state', Key: 'shop/terraform.tfstate' }).resolves({
      Body: { transformToString: async () => state },
    } as never);
    const tfstate: Record<string, TfstateSource> = {
      infra: { name: 'infra', kind: 's3', bucket: 'tf-state', key: 'shop/terraform.tfstate', url: 's3://tf-state/shop/terraform.tfstate' },
    };
    const values = await readLookups(
      await ports(),
      [request('tfstate:output.cluster'), request('tfstate:infra:aws_sqs_queue.jobs.url'), request('tfstate:output.token')],
      { tfstate },
    );
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
    expect(values.get('tfstate:output.cluster')).toMatchObject({ value: 'shop', sensitive: false });
    expect(values.get('tfstate:infra:aws_sqs_queue.jobs.url')?.value).toBe('https://sqs/jobs');
    expect(values.get('tfstate:output.token')).toMatchObject({ sensitive: true });
  });

  it('reads a local state without AWS, and says what is wrong with a state it cannot use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-tfstate-'));
    writeFileSync(join(dir, 'ok.tfstate'), state);
    writeFileSync(join(dir, 'old.tfstate'), JSON.stringify({ version: 3, modules: [] }));
    writeFileSync(join(dir, 'junk.tfstate'), 'not json');
    const file = (name: string): TfstateSource => ({ name, kind: 'file', path: join(dir, `${name}.tfstate`), shown: `${name}.tfstate` });
    const tfstate = { ok: file('ok'), old: file('old'), junk: file('junk'), gone: file('gone') };
    const values = await readLookups(await ports(), [request('tfstate:ok:output.cluster')], { tfstate });
    expect(values.get('tfstate:ok:output.cluster')?.value).toBe('shop');
    expect(
      await issues(
        readLookups(
          await ports(),
          [
            request('tfstate:old:output.x', 2),
            request('tfstate:junk:output.x', 3),
            request('tfstate:gone:output.x', 4),
            request('tfstate:ok:output.x', 5),
          ],
          { tfstate },
        ),
      ),
    ).toEqual([
      '2: cannot read Terraform state old (old.tfstate): it is a Terraform state of format version 3; ecsdeploy reads version 4 (Terraform 0.12 and later)',
      '3: cannot read Terraform state junk (junk.tfstate): it is not JSON',
      '4: cannot read Terraform state gone (gone.tfstate): no such file',
      '5: the state has no output x (outputs: cluster, token) (in Terraform state ok (ok.tfstate))',
    ]);
  });

  it('a state object that does not exist is an issue; access denied stays an AWS error', async () => {
    const tfstate: Record<string, TfstateSource> = { s: { name: 's', kind: 's3', bucket: 'b', key: 'k', url: 's3://b/k' } };
    s3.on(GetObjectCommand).rejectsOnce(
      Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } }),
    );
    expect(await issues(readLookups(await ports(), [request('tfstate:output.x', 8)], { tfstate }))).toEqual([
      '8: cannot read Terraform state s (s3://b/k): no such object',
    ]);
    s3.on(GetObjectCommand).rejectsOnce(
      Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }),
    );
    await expect(readLookups(await ports(), [request('tfstate:output.x')], { tfstate })).rejects.toBeInstanceOf(AwsApiError);
  });
});

describe('fingerprints', () => {
  it('differ by value and by lookup, and hold neither', () => {
    const a = lookupFingerprint('ssm:/a', 'value-1');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(lookupFingerprint('ssm:/a', 'value-2')).not.toBe(a);
    expect(lookupFingerprint('ssm:/b', 'value-1')).not.toBe(a);
    expect(lookupFingerprint('ssm:/a', 'value-1')).toBe(a);
  });
});
