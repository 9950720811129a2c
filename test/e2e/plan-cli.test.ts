/**
 * `ecsdeploy plan` through the real CLI (`run()`), with AWS answered by aws-sdk-client-mock under the real
 * port factory: exit codes, streams, --out, --verbose call counts, the cache, and error presentation.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import type { CliContext } from '../../src/cli/context.js';
import { resolveCacheDirectory } from '../../src/cli/aws-runtime.js';
import { run } from '../../src/cli/main.js';
import { describedService, describedTaskDefinition, taskDefinitionArn } from '../live/fixtures.js';
import { capture } from '../_helpers/capture.js';

const ecs = mockClient(ECSClient);

const TASK_DEFINITION = {
  family: 'web',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
  containerDefinitions: [
    {
      name: 'app',
      image: 'repo/web:1',
      essential: true,
      portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
      environment: [{ name: 'LOG_LEVEL', value: 'info' }],
    },
  ],
};

const MANIFEST = `version: 1
region: us-east-1
services:
  web:
    cluster: main
    taskDefinition: ./web.task.json
    desiredCount: 2
`;

let dir: string;
const baseEnv = () => ({ AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'dummy', XDG_CACHE_HOME: join(dir, 'cache') });

async function plan(args: string[], env: Record<string, string | undefined> = baseEnv()) {
  const stdout = capture();
  const stderr = capture();
  const context: Partial<CliContext> = {
    env,
    cwd: dir,
    stdout: stdout.stream,
    stderr: stderr.stream,
    isTTY: false,
    isCI: true,
    // The real factory over mocked SDK clients: region resolution, counting and error mapping all run.
    portsFactory: (options) => createAwsPorts({ ...options, env }),
  };
  const code = await run(['plan', ...args], context);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** Live: the service runs exactly the manifest's task definition, as AWS describes it (defaults filled in). */
function liveMatchingManifest(image = 'repo/web:1') {
  const arn = taskDefinitionArn('web', 4);
  ecs.on(DescribeServicesCommand).resolves({ services: [describedService('web', 'main', arn, { tags: [] })], failures: [] });
  const td = describedTaskDefinition('web', 4, image);
  ecs.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: {
      ...td,
      containerDefinitions: [
        {
          name: 'app',
          image,
          cpu: 0,
          essential: true,
          portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
          environment: [{ name: 'LOG_LEVEL', value: 'info' }],
          mountPoints: [],
          volumesFrom: [],
          systemControls: [],
        },
      ],
    },
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-plan-cli-'));
  writeFileSync(join(dir, 'ecsdeploy.yaml'), MANIFEST);
  writeFileSync(join(dir, 'web.task.json'), JSON.stringify(TASK_DEFINITION));
  ecs.reset().onAnyCommand().rejects(new Error('unexpected AWS call'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});
afterAll(() => {
  ecs.restore();
});

describe('ecsdeploy plan', () => {
  it('exits 0 with --detailed-exitcode when live matches the manifest', async () => {
    liveMatchingManifest();
    const result = await plan(['--detailed-exitcode', '--no-color']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('exits 2 with --detailed-exitcode when the plan has changes, and 0 without the flag', async () => {
    liveMatchingManifest('repo/web:0');
    expect((await plan(['--detailed-exitcode'])).code).toBe(2);
    const plain = await plan(['--no-color']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('repo/web:1');
  });

  it('writes JSON with the AWS call counts to stdout and nothing to stderr', async () => {
    liveMatchingManifest('repo/web:0');
    const result = await plan(['--format', 'json', '--no-cache']);
    expect(result.stderr).toBe('');
    const parsed = JSON.parse(result.stdout) as { hasChanges: boolean; calls: Record<string, number> };
    expect(parsed.hasChanges).toBe(true);
    expect(parsed.calls).toEqual({ 'ECS.DescribeServices': 1, 'ECS.DescribeTaskDefinition': 1 });
  });

  it('prints the call counts to stderr with --verbose, never to stdout', async () => {
    liveMatchingManifest();
    const result = await plan(['--verbose', '--format', 'markdown', '--no-cache']);
    expect(result.stderr).toMatch(
      /^AWS calls: 2 \(ECS\.DescribeServices 1, ECS\.DescribeTaskDefinition 1\); reading AWS took \d+\.\d\d s\n$/,
    );
    expect(result.stdout).not.toContain('AWS calls');
  });

  it('saves the plan with --out and still shows it', async () => {
    liveMatchingManifest('repo/web:0');
    const result = await plan(['--out', 'plan.json', '--no-color']);
    expect(result.code).toBe(0);
    const saved = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as { format: string; services: { key: string }[] };
    expect(saved.format).toBe('ecsdeploy.plan');
    expect(saved.services.map((s) => s.key)).toEqual(['web']);
    expect(result.stdout).toContain('web');
    expect(result.stderr).toContain('saved the plan to plan.json');
  });

  it('describes a task definition once across runs thanks to the cache, and every time with --no-cache', async () => {
    liveMatchingManifest();
    await plan([]);
    await plan([]);
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(1);
    await plan(['--no-cache']);
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(2);
  });

  it('warns that static key flags leak into shell history, without ever printing the keys', async () => {
    liveMatchingManifest();
    const result = await plan(['--aws-access-key', 'AKIAFLAGEXAMPLE00000', '--aws-secret-key', 'flag-secret-value'], {
      XDG_CACHE_HOME: join(dir, 'cache'),
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning: --aws-access-key\/--aws-secret-key .*shell history/);
    expect(`${result.stdout}${result.stderr}`).not.toContain('flag-secret-value');
    expect(`${result.stdout}${result.stderr}`).not.toContain('AKIAFLAGEXAMPLE00000');
  });

  it('shows an AWS failure as the operation, code and IAM hint, exit 1, no stack', async () => {
    ecs.on(DescribeServicesCommand).rejects(
      Object.assign(new Error('User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecs:DescribeServices'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400, requestId: 'abc-123' },
      }),
    );
    const result = await plan([]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('error [AWS_API_ERROR]: ECS DescribeServices failed: AccessDeniedException');
    expect(result.stderr).toContain('(request id abc-123)');
    expect(result.stderr).toContain('hint: the credentials in use lack the IAM permission `ecs:DescribeServices`');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('stops with a usage error when no region can be found', async () => {
    writeFileSync(join(dir, 'ecsdeploy.yaml'), MANIFEST.replace('region: us-east-1\n', ''));
    const result = await plan([]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error [AWS_REGION_MISSING]');
    expect(result.stderr).toContain('hint: pass --region, set AWS_REGION');
  });

  it('refuses --scenario without --sandbox', async () => {
    const result = await plan(['--scenario', 'x.yaml']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--scenario and --state only apply with --sandbox');
  });
});

describe('the cache directory', () => {
  it('is $XDG_CACHE_HOME/ecsdeploy, else ~/Library/Caches on macOS and ~/.cache elsewhere, else none', () => {
    expect(resolveCacheDirectory({ XDG_CACHE_HOME: '/x', HOME: '/home/u' }, 'linux')).toBe('/x/ecsdeploy');
    expect(resolveCacheDirectory({ HOME: '/home/u' }, 'linux')).toBe('/home/u/.cache/ecsdeploy');
    expect(resolveCacheDirectory({ HOME: '/Users/u' }, 'darwin')).toBe('/Users/u/Library/Caches/ecsdeploy');
    expect(resolveCacheDirectory({}, 'linux')).toBeUndefined();
  });
});
