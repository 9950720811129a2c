import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateClusterCommand,
  DescribeClustersCommand,
  ECSClient,
  ListClustersCommand,
  ServiceNotFoundException,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_EPOCH_MS } from '../../../src/sandbox/clock.js';
import { createSandboxRuntime } from '../../../src/sandbox/runtime.js';
import { startInProcessSandbox } from '../../_helpers/sandbox.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ecsdeploy-sandbox-runtime-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the sandbox runtime', () => {
  it('gives SDK clients an account they can create and read resources in, on a virtual clock', async () => {
    const sb = startInProcessSandbox({ region: 'eu-central-1' });
    const ecs = new ECSClient(sb.sdkConfig());
    await ecs.send(new CreateClusterCommand({ clusterName: 'main' }));
    const out = await ecs.send(new DescribeClustersCommand({ clusters: ['main'] }));
    expect(out.clusters?.[0]?.clusterArn).toMatch(/^arn:aws:ecs:eu-central-1:\d{12}:cluster\/main$/);
    expect(sb.runtime.clock).toBe(sb.clock);
    expect(sb.clock.now()).toBe(DEFAULT_EPOCH_MS);
    expect(sb.runtime.calls().counts).toEqual({ 'ecs.CreateCluster': 1, 'ecs.DescribeClusters': 1 });
    expect(sb.runtime.calls().log.map((e) => [e.operation, e.status])).toEqual([
      ['CreateCluster', 200],
      ['DescribeClusters', 200],
    ]);
  });

  it('raises the SDK exceptions AWS would for missing resources in the real world', async () => {
    const sb = startInProcessSandbox();
    const ecs = new ECSClient(sb.sdkConfig());
    await ecs.send(new CreateClusterCommand({ clusterName: 'main' }));
    const missingService = await ecs
      .send(new UpdateServiceCommand({ cluster: 'main', service: 'ghost', desiredCount: 1 }))
      .catch((e: unknown) => e);
    expect(missingService).toBeInstanceOf(ServiceNotFoundException);
    expect((missingService as ServiceNotFoundException).$metadata.requestId).toBeTruthy();
    const missingTg = await new ElasticLoadBalancingV2Client(sb.sdkConfig())
      .send(new DescribeTargetGroupsCommand({ Names: ['ghost'] }))
      .catch((e: unknown) => e);
    expect(missingTg).toBeInstanceOf(TargetGroupNotFoundException);
    expect(sb.runtime.calls().log.map((e) => e.errorCode)).toEqual([undefined, 'ServiceNotFoundException', 'TargetGroupNotFound']);
  });

  it('saves the account and resumes it, clock included, without seeding it again', async () => {
    const file = join(tempDir(), 'state.json');
    const first = createSandboxRuntime({ stateFile: file });
    const ecs1 = new ECSClient({ region: first.region, credentials: first.credentials, requestHandler: first.requestHandler });
    await ecs1.send(new CreateClusterCommand({ clusterName: 'kept' }));
    await first.clock.sleep(90_000);
    first.save();
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { format: string; clockMs: number };
    expect(saved.format).toBe('ecsdeploy-sandbox-state');
    expect(saved.clockMs).toBe(DEFAULT_EPOCH_MS + 90_000);

    const second = createSandboxRuntime({ stateFile: file });
    expect(second.clock.now()).toBe(DEFAULT_EPOCH_MS + 90_000);
    const ecs2 = new ECSClient({ region: second.region, credentials: second.credentials, requestHandler: second.requestHandler });
    const listed = await ecs2.send(new ListClustersCommand({}));
    expect(listed.clusterArns?.some((a) => a.endsWith('/kept'))).toBe(true);
  });

  it('reports a state file it cannot write as a usage error with a hint', () => {
    const rt = createSandboxRuntime({ stateFile: join(tempDir(), 'missing-folder', 'state.json') });
    expect(() => rt.save()).toThrow(expect.objectContaining({ code: 'SANDBOX_STATE_UNWRITABLE', hint: expect.any(String) }));
  });

  it('refuses a state file that is not one, with a hint instead of a stack', () => {
    const file = join(tempDir(), 'state.json');
    writeFileSync(file, '{"hello": 1}');
    expect(() => createSandboxRuntime({ stateFile: file })).toThrow(/not an ecsdeploy sandbox state file/);
  });
});
