/** What apply hands a strategy is what the plan showed: here, the service tags the plan removes. */
import { describe, expect, it } from 'vitest';
import { targetFor } from '../../src/engine/deploy-service.js';
import type { ServicePlan } from '../../src/plan/types.js';

const plan: ServicePlan = {
  key: 'web',
  service: 'web',
  cluster: 'prod',
  action: 'update',
  taskDefinitionChanged: false,
  serviceChanged: true,
  desired: {
    taskDefinition: { family: 'web', containerDefinitions: [] },
    service: { tags: [{ key: 'team', value: 'shop' }] },
    desiredCount: undefined,
    deployment: {},
  },
  live: null,
  changes: [
    { scope: 'service', path: 'tags[old-owner]', kind: 'remove', before: { key: 'old-owner', value: 'x' } },
    { scope: 'service', path: 'tags[team].value', kind: 'change', before: 'a', after: 'shop' },
    { scope: 'service', path: 'tags[new]', kind: 'add', after: { key: 'new', value: 'y' } },
    { scope: 'taskDefinition', path: 'tags[family-tag]', kind: 'remove', before: { key: 'family-tag', value: 'z' } },
  ],
  diff: '',
  blockedReasons: [],
  strategy: { type: 'rolling' },
  dependsOn: [],
  timeoutMs: 60_000,
  onFailure: 'rollback',
  sensitiveNames: [],
};

describe('targetFor', () => {
  it('passes on the service tag keys the plan removes, and no others', () => {
    expect(targetFor(plan, 'arn:td', 60_000).removeTags).toEqual(['old-owner']);
  });

  it('removes nothing when the plan removes no service tag', () => {
    expect(targetFor({ ...plan, changes: [] }, 'arn:td', 60_000).removeTags).toEqual([]);
  });
});
