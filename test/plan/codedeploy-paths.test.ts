/**
 * A service with the CODE_DEPLOY controller: the plan says which path each change takes (aws-semantics.md §1.1):
 * the task definition, network configuration, platform version and capacity providers through a CodeDeploy
 * deployment's AppSpec; what UpdateService may change there through it; tags by TagResource; anything else
 * requires a new service, and blocks it.
 */
import { describe, expect, it } from 'vitest';
import type { ResolvedService } from '../../src/model/manifest.js';
import { buildPlan } from '../../src/plan/build.js';
import { codeDeployChangePath } from '../../src/plan/codedeploy-paths.js';
import { renderPlanText } from '../../src/render/plan-text.js';
import { describedService, IMAGE_V2, liveService, liveState, manifest, OPTIONS, service } from './fixtures.js';

const BLUE_GREEN = { type: 'blue-green', application: 'shop', deploymentGroup: 'web', container: { name: 'web', port: 8080 } } as const;

function blueGreen(overrides: Partial<ResolvedService['settings']>, more: Partial<ResolvedService> = {}): ResolvedService {
  const base = service();
  return service({
    strategy: BLUE_GREEN,
    settings: { ...base.settings, deploymentController: { type: 'CODE_DEPLOY' }, ...overrides },
    ...more,
  });
}

function planOf(svc: ResolvedService) {
  const described = describedService({ deploymentController: { type: 'CODE_DEPLOY' } });
  return buildPlan(manifest([svc]), liveState([liveService({ described })]), OPTIONS);
}

describe('the path each change of a CODE_DEPLOY service takes', () => {
  it('sends the revision, network, platform version and capacity providers through the AppSpec, never UpdateService', () => {
    expect(codeDeployChangePath('taskDefinition', 'containerDefinitions')).toBe('appspec');
    for (const key of ['networkConfiguration', 'platformVersion', 'capacityProviderStrategy']) {
      expect(codeDeployChangePath('service', key)).toBe('appspec');
    }
    expect(codeDeployChangePath('service', 'desiredCount')).toBe('update-service');
    expect(codeDeployChangePath('service', 'healthCheckGracePeriodSeconds')).toBe('update-service');
    expect(codeDeployChangePath('service', 'tags')).toBe('tag-resource');
    expect(codeDeployChangePath('service', 'loadBalancers')).toBe('replacement');
    expect(codeDeployChangePath('service', 'enableExecuteCommand')).toBe('replacement');
  });

  it('marks each change of the plan with its path, and the plan text groups them', () => {
    const svc = blueGreen(
      {
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-c'], securityGroups: ['sg-1'] } },
        platformVersion: '1.4.0',
        healthCheckGracePeriodSeconds: 60,
        tags: [{ key: 'team', value: 'payments' }],
      },
      { desiredCount: 3, images: { web: IMAGE_V2 } },
    );
    const plan = planOf(svc);
    const web = plan.services[0];
    expect(web?.action).toBe('update');
    const via = Object.fromEntries((web?.changes ?? []).map((c) => [c.path.split(/[.[]/)[0], c.via]));
    expect(via).toMatchObject({
      networkConfiguration: 'appspec',
      platformVersion: 'appspec',
      desiredCount: 'update-service',
      healthCheckGracePeriodSeconds: 'update-service',
      tags: 'tag-resource',
    });
    expect((web?.changes ?? []).filter((c) => c.scope === 'taskDefinition').every((c) => c.via === 'appspec')).toBe(true);
    const text = renderPlanText(plan, { color: false });
    expect(text).toMatch(/via the AppSpec \(a CodeDeploy deployment\): [^\n]*networkConfiguration/);
    expect(text).toMatch(/via UpdateService \(no deployment\): [^\n]*desiredCount/);
    expect(text).toContain('via TagResource: tags');
  });

  it('blocks a change no path can make on a CODE_DEPLOY service (it needs a new service)', () => {
    const plan = planOf(blueGreen({ enableExecuteCommand: true }));
    const web = plan.services[0];
    expect(web?.action).toBe('blocked');
    expect(web?.changes.find((c) => c.path.startsWith('enableExecuteCommand'))).toMatchObject({ requiresReplacement: true });
    expect(web?.changes.some((c) => c.path.startsWith('enableExecuteCommand') && c.via)).toBe(false);
  });
});
