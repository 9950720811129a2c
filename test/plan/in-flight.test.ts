/**
 * A service whose live rollout is not decided yet is never "unchanged": the plan names the rollout (and the run
 * that started it), counts it, and `hasChanges` makes `plan --detailed-exitcode` exit 2. From the live state only.
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/model/task-definition.js';
import { buildPlan } from '../../src/plan/build.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { renderPlanText } from '../../src/render/plan-text.js';
import { describedService, describedTaskDefinition, liveService, liveState, manifest, OPTIONS, service, TD_ARN } from './fixtures.js';

const NEXT = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/shop-web:8';

function deployment(id: string, status: string, rolloutState: string | undefined, taskDefinition: string, reason?: string): JsonObject {
  return {
    id,
    status,
    taskDefinition,
    ...(rolloutState ? { rolloutState } : {}),
    ...(reason ? { rolloutStateReason: reason } : {}),
  };
}

/** The fixture service (manifest and live agree) with these deployments and tags. */
function planWith(deployments: JsonObject[], o: { tags?: JsonObject[]; tdTags?: JsonObject[]; current?: string } = {}) {
  const current = o.current ?? TD_ARN;
  const base = describedService();
  const tags = [...((base.tags as JsonObject[] | undefined) ?? []), ...(o.tags ?? [])];
  const described = describedService({ deployments, taskDefinition: current, tags });
  const td = { ...describedTaskDefinition(), taskDefinitionArn: current, ...(o.tdTags ? { tags: o.tdTags } : {}) };
  return buildPlan(manifest([service()]), liveState([liveService({ described, taskDefinition: td })]), OPTIONS);
}

describe('a rollout in flight in the plan', () => {
  it('shows an ECS deployment still IN_PROGRESS, and the run its lock names, instead of "no change"', () => {
    const plan = planWith(
      [deployment('ecs-svc/2', 'PRIMARY', 'IN_PROGRESS', TD_ARN), deployment('ecs-svc/1', 'ACTIVE', 'COMPLETED', NEXT)],
      { tags: [{ key: 'ecsdeploy:lock', value: 'run-dead:1767225600' }] },
    );
    const web = plan.services[0];
    expect(web?.action).toBe('no-change');
    expect(web?.inFlight).toEqual({
      kind: 'ecs-deployment',
      id: 'ecs-svc/2',
      state: 'IN_PROGRESS to shop-web:7',
      taskDefinitionArn: TD_ARN,
      runId: 'run-dead',
    });
    expect(plan.hasChanges).toBe(true);
    expect(plan.summary.inFlight).toBe(1);
    const text = renderPlanText(plan, { color: false });
    expect(text).not.toContain('No changes');
    expect(text).toContain('> web (shop/web) rollout in progress');
    expect(text).toContain('rollout in progress: ecs-svc/2 (IN_PROGRESS to shop-web:7), started by ecsdeploy run run-dead');
    expect(text).toContain('Plan: 0 to create, 0 to update, 0 unchanged, 0 blocked, 1 with a rollout in progress.');
    const md = renderPlanMarkdown(plan);
    expect(md).toContain('| web | shop | > rollout in progress |');
    expect(md).toContain('**Rollouts in progress**');
  });

  it('names the run that registered the revision being rolled out when no lock is left', () => {
    const plan = planWith(
      [deployment('ecs-svc/2', 'PRIMARY', 'IN_PROGRESS', NEXT), deployment('ecs-svc/1', 'ACTIVE', 'COMPLETED', TD_ARN)],
      {
        current: NEXT,
        tdTags: [{ key: 'ecsdeploy:run', value: 'run-7' }],
      },
    );
    expect(plan.services[0]?.inFlight).toMatchObject({ id: 'ecs-svc/2', taskDefinitionArn: NEXT, runId: 'run-7' });
  });

  it('says ECS is rolling back when a FAILED deployment is listed beside the one in progress', () => {
    const plan = planWith([
      deployment('ecs-svc/3', 'PRIMARY', 'IN_PROGRESS', TD_ARN),
      deployment('ecs-svc/2', 'ACTIVE', 'FAILED', NEXT, 'ECS deployment circuit breaker: tasks failed to start.'),
    ]);
    expect(plan.services[0]?.inFlight?.state).toBe(
      'ECS is rolling back to shop-web:7 after ecs-svc/2 failed (ECS deployment circuit breaker: tasks failed to start.)',
    );
    expect(plan.services[0]?.inFlight?.rollingBackFrom).toBe('ecs-svc/2');
  });

  it('counts older deployments still listed as in flight where ECS reports no rollout state', () => {
    const plan = planWith([deployment('ecs-svc/2', 'PRIMARY', undefined, TD_ARN), deployment('ecs-svc/1', 'ACTIVE', undefined, NEXT)]);
    expect(plan.services[0]?.inFlight).toMatchObject({ kind: 'ecs-deployment', id: 'ecs-svc/2' });
  });

  it('finds nothing in flight on a settled service, whatever its lock tag says', () => {
    const plan = planWith([deployment('ecs-svc/1', 'PRIMARY', 'COMPLETED', TD_ARN)], {
      tags: [{ key: 'ecsdeploy:lock', value: 'run-1:1767225600' }],
    });
    expect(plan.services[0]?.inFlight).toBeUndefined();
    expect(plan.hasChanges).toBe(false);
    expect(renderPlanText(plan, { color: false })).toContain('No changes');
  });

  it('shows a CodeDeploy deployment of the group that is not final, with the revision of its replacement task set', () => {
    const described = describedService({
      deploymentController: { type: 'CODE_DEPLOY' },
      deployments: [],
      taskSets: [
        { id: 'ecs-svc/blue', status: 'PRIMARY', taskDefinition: TD_ARN },
        { id: 'ecs-svc/green', status: 'ACTIVE', taskDefinition: NEXT, externalId: 'd-ABC', startedBy: 'CODE_DEPLOY' },
      ],
    });
    const state = liveService({ described, codeDeployDeployments: [{ deploymentId: 'd-ABC', status: 'Ready' }] });
    const bg = service({
      strategy: { type: 'blue-green', application: 'shop', deploymentGroup: 'web', container: { name: 'web', port: 8080 } },
      settings: { ...service().settings, deploymentController: { type: 'CODE_DEPLOY' } },
    });
    const plan = buildPlan(manifest([bg]), liveState([state]), OPTIONS);
    expect(plan.services[0]?.inFlight).toMatchObject({
      kind: 'codedeploy',
      id: 'd-ABC',
      taskDefinitionArn: NEXT,
      awaitingApproval: true,
      // The blue-green strategy's own detector: the ecsdeploy verbs that move it on.
      next: ['ecsdeploy promote -n web', 'ecsdeploy abort -n web'],
    });
    expect(plan.services[0]?.inFlight?.state).toMatch(/^Ready: test traffic on shop-web:8, production not moved yet/);
  });

  it('shows an ongoing ECS service deployment of a service on an ECS-native strategy', () => {
    const state = liveService({
      serviceDeployments: [
        { serviceDeploymentArn: 'arn:aws:ecs:eu-west-1:111122223333:service-deployment/shop/web/x', status: 'IN_PROGRESS' },
      ],
    });
    const plan = buildPlan(manifest([service()]), liveState([state]), OPTIONS);
    expect(plan.services[0]?.inFlight).toMatchObject({ kind: 'ecs-service-deployment', state: 'IN_PROGRESS to shop-web:7' });
  });

  it('reports the region the live state was read in, not the manifest’s', () => {
    const plan = buildPlan(manifest([service()], { region: 'eu-west-1' }), liveState([liveService()], { region: 'eu-central-1' }), OPTIONS);
    expect(plan.region).toBe('eu-central-1');
    expect(renderPlanText(plan, { color: false })).toContain('region eu-central-1');
    expect(renderPlanMarkdown(plan)).toContain('region `eu-central-1`');
  });
});
