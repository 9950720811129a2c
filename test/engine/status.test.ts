/** buildStatusReports against the in-process sandbox: a rolling service mid-deployment, a blue-green one mid-shift. */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import { buildStatusReports } from '../../src/engine/status.js';
import { loadManifest } from '../../src/manifest/index.js';
import { recordCalls } from '../_helpers/recorded-ports.js';
import { startInProcessSandbox } from '../_helpers/sandbox.js';
import { CLUSTER, engineOnSandbox, manifestDoc, service, shortArn as short } from './sandbox-harness.js';

describe('buildStatusReports', () => {
  it('reports revision, counts, deployments newest first with rollout state, and the latest events', async () => {
    const h = await engineOnSandbox({
      manifest: manifestDoc({ web: service('web'), api: service('api', { cluster: 'other' }) }),
      scenario: { images: [{ match: '*web:slow', startSeconds: 3600 }] },
    });
    // Some history first: scaled out and back in (each step leaves service events).
    for (const desiredCount of [3, 2]) {
      await h.admin.ecs.updateService({ cluster: CLUSTER, service: 'web', desiredCount });
      await h.clock.sleep(5 * 60_000);
    }
    const next = await h.register('web', 'repo/web:slow');
    await h.admin.ecs.updateService({ cluster: CLUSTER, service: 'web', taskDefinition: next });
    await h.clock.sleep(30_000);
    const live = await h.describe('web');
    // A service the manifest names but its cluster does not have.
    const missing = h.manifest.services.find((s) => s.key === 'api');
    const [web, api] = await buildStatusReports(h.rec.ports, [
      h.manifest.services.find((s) => s.key === 'web') as (typeof h.manifest.services)[number],
      { ...(missing as (typeof h.manifest.services)[number]), service: 'gone' },
    ]);
    // ECS shows the new revision as the service's as soon as the deployment starts; the old tasks still run.
    expect(web).toMatchObject({ found: true, revision: 'web:2', running: 2, desired: 2, strategy: 'rolling', inProgress: true });
    expect(web?.deployments.map((d) => [short(d.taskDefinitionArn), d.status, d.rolloutState])).toEqual([
      ['web:2', 'PRIMARY', 'IN_PROGRESS'],
      ['web:1', 'ACTIVE', 'COMPLETED'],
    ]);
    expect(web?.deployments[0]).toMatchObject({ desired: 2, pending: 2, running: 0 });
    expect(live.events?.length).toBeGreaterThan(5);
    expect(web?.events.map((e) => e.message)).toEqual(live.events?.slice(0, 5).map((e) => e.message));
    expect(web?.events[0]?.message).toMatch(/has started 2 tasks/);
    expect(api).toMatchObject({ found: false, deployments: [], inProgress: false });
    // One call per cluster.
    expect(h.rec.callsOf('DescribeServices').map((c) => c.cluster)).toEqual([CLUSTER, 'other']);
  });

  it('shows the task sets of a CodeDeploy-controlled service, and a second one as a deployment in progress', async () => {
    const manifest = loadManifest({ cwd: resolve(__dirname, '../../examples/blue-green'), env: { IMAGE_TAG: '2.0.0' } });
    const sb = startInProcessSandbox({ manifest });
    const rec = recordCalls(createAwsPorts(sb.awsConfig()));
    const api = manifest.services[0] as (typeof manifest.services)[number];
    const running = (await rec.ports.ecs.describeServices({ cluster: api.cluster, services: [api.service] })).services?.[0];
    const td = (await rec.ports.ecs.describeTaskDefinition({ taskDefinition: running?.taskDefinition })).taskDefinition ?? {};
    const green = await rec.ports.ecs.registerTaskDefinition({
      family: td.family,
      cpu: td.cpu,
      memory: td.memory,
      networkMode: td.networkMode,
      requiresCompatibilities: td.requiresCompatibilities,
      containerDefinitions: (td.containerDefinitions ?? []).map((c) => ({ ...c, image: String(c.image).replace(':previous', ':2.0.0') })),
    } as never);
    const appSpec = [
      'version: 0.0',
      'Resources:',
      '  - TargetService:',
      '      Type: AWS::ECS::Service',
      '      Properties:',
      `        TaskDefinition: "${green.taskDefinition?.taskDefinitionArn}"`,
      '        LoadBalancerInfo: { ContainerName: "api", ContainerPort: 8080 }',
    ].join('\n');
    await rec.ports.codedeploy.createDeployment({
      applicationName: 'orders',
      deploymentGroupName: 'orders-api',
      revision: { revisionType: 'AppSpecContent', appSpecContent: { content: appSpec } },
    });
    await sb.clock.sleep(5_000);
    const [report] = await buildStatusReports(rec.ports, [api]);
    expect(report).toMatchObject({
      deploymentController: 'CODE_DEPLOY',
      strategy: 'blue-green',
      inProgress: true,
      revision: 'orders-api:1',
    });
    expect(report?.deployments.map((d) => [short(d.taskDefinitionArn), d.status, d.rolloutStateReason])).toEqual([
      ['orders-api:2', 'ACTIVE', 'STABILIZING'],
      ['orders-api:1', 'PRIMARY', 'STEADY_STATE'],
    ]);
    expect(report?.deployments.map((d) => d.desired)).toEqual([3, 3]);
    expect(report?.deployments[0]?.running).toBeLessThan(3);
  });
});
