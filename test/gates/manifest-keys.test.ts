/**
 * The gate's manifest keys as the engine sees them: defaults filled, durations in ms, `until-approved` steps, task
 * checks, and blue-green's test-traffic gate as the same gate plus its hold (old `{ alarms, hold }` still valid).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManifestError } from '../../src/errors/index.js';
import { loadManifest } from '../../src/manifest/index.js';
import { expressionIds } from '../../src/model/strategy.js';

const RULE =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee';

function load(strategy: string) {
  const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-gate-keys-'));
  const yaml = `version: 1
services:
  web:
    cluster: shop
    taskDefinition:
      family: web
      containerDefinitions:
        - { name: web, image: nginx:1.27 }
    strategy:
${strategy
  .split('\n')
  .map((l) => `      ${l}`)
  .join('\n')}
`;
  writeFileSync(join(dir, 'ecsdeploy.yaml'), yaml);
  return loadManifest({ cwd: dir, env: {} }).services[0]?.strategy;
}

function issues(strategy: string): string[] {
  try {
    load(strategy);
  } catch (error) {
    if (error instanceof ManifestError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

const CANARY = `type: canary
rule: ${RULE}
stable: { targetGroup: web-stable }
canary: { service: web-canary, targetGroup: web-canary }`;

describe('gate keys in the manifest', () => {
  it('fills the gate defaults: 1m interval and metric delay, no tolerance, noData inconclusive, no minimum sample', () => {
    const s = load(`${CANARY}\nsteps: [{ weight: 10, pause: 5m }]`);
    expect(s?.type === 'canary' && s.gate).toEqual({
      intervalMs: 60_000,
      metricDelayMs: 60_000,
      failureLimit: 0,
      inconclusiveLimit: 0,
      noData: 'inconclusive',
      alarms: [],
      metrics: [],
      tasks: [],
    });
  });

  it('reads until-approved steps, baselines, minimum samples and task checks', () => {
    const s = load(`${CANARY}
steps:
  - { weight: 10, pause: 90s }
  - { weight: 50, pause: until-approved }
gate:
  interval: 2m
  metricDelay: 30s
  minRequests: 50
  metrics:
    - name: errors
      expression: 100 * FILL(e, 0) / r
      queries:
        e: { metric: AWS/ApplicationELB HTTPCode_Target_5XX_Count, targetGroup: canary, stat: Sum }
        r: { metric: AWS/ApplicationELB RequestCount, targetGroup: canary, stat: Sum, period: 1m }
      max: 2
      baseline: { maxIncrease: 0.5, maxRatio: 2 }
      minSample: { query: r, min: 10 }
  tasks:
    - { name: smoke, taskDefinitionOf: web, command: [./smoke], environment: { RETRIES: 3 } }`);
    if (s?.type !== 'canary') throw new Error('canary expected');
    expect(s.steps).toEqual([
      { weight: 10, pauseMs: 90_000 },
      { weight: 50, approval: true },
    ]);
    expect(s.gate).toMatchObject({ intervalMs: 120_000, metricDelayMs: 30_000, minRequests: 50 });
    expect(s.gate.metrics[0]).toEqual({
      name: 'errors',
      expression: '100 * FILL(e, 0) / r',
      queries: {
        e: { metric: 'AWS/ApplicationELB HTTPCode_Target_5XX_Count', targetGroup: 'canary', stat: 'Sum', periodSeconds: 120 },
        r: { metric: 'AWS/ApplicationELB RequestCount', targetGroup: 'canary', stat: 'Sum', periodSeconds: 60 },
      },
      max: 2,
      baseline: { maxIncrease: 0.5, maxRatio: 2 },
      minSample: { query: 'r', min: 10 },
    });
    expect(s.gate.tasks).toEqual([
      { name: 'smoke', taskDefinitionOf: 'web', command: ['./smoke'], environment: { RETRIES: '3' }, timeoutMs: 300_000 },
    ]);
  });

  it('keeps a test-traffic gate written as { alarms, hold } valid, as the full gate plus its hold', () => {
    const s = load(`type: blue-green
application: shop
deploymentGroup: web
container: { name: web, port: 80 }
testTrafficGate: { alarms: [web-green-5xx], hold: 5m }`);
    expect(s?.type === 'blue-green' && s.testTrafficGate).toEqual({
      holdMs: 300_000,
      intervalMs: 60_000,
      metricDelayMs: 60_000,
      failureLimit: 0,
      inconclusiveLimit: 0,
      noData: 'inconclusive',
      alarms: ['web-green-5xx'],
      metrics: [],
      tasks: [],
    });
  });

  it('reads a test-traffic gate that asks for approval, and a production-traffic gate with its bake', () => {
    const s = load(`type: blue-green
application: shop
deploymentGroup: web
container: { name: web, port: 80 }
testTrafficGate: { alarms: [web-green-5xx], hold: 2m, approval: true }
productionTrafficGate: { alarms: [web-green-5xx], bake: 3m, failureLimit: 1 }`);
    if (s?.type !== 'blue-green') throw new Error('blue-green');
    expect(s.testTrafficGate).toMatchObject({ holdMs: 120_000, approval: true });
    expect(s.productionTrafficGate).toEqual({
      bakeMs: 180_000,
      intervalMs: 60_000,
      metricDelayMs: 60_000,
      failureLimit: 1,
      inconclusiveLimit: 0,
      noData: 'inconclusive',
      alarms: ['web-green-5xx'],
      metrics: [],
      tasks: [],
    });
    const plain = load(`type: blue-green
application: shop
deploymentGroup: web
container: { name: web, port: 80 }
testTrafficGate: { hold: 1m }`);
    expect(plain?.type === 'blue-green' && plain.testTrafficGate && 'approval' in plain.testTrafficGate).toBe(false);
  });

  it('checks a production-traffic gate with the same rules, and refuses an approval on it', () => {
    expect(
      issues(`type: blue-green
application: shop
deploymentGroup: web
container: { name: web, port: 80 }
productionTrafficGate:
  bake: soon
  approval: true
  metrics:
    - name: green
      expression: total
      queries: { y: { metric: AWS/ApplicationELB RequestCount, targetGroup: canary, stat: Sum } }`),
    ).toEqual([
      expect.stringMatching(/^services\.web\.strategy\.productionTrafficGate\.bake: /),
      'services.web.strategy.productionTrafficGate.approval: unknown key `approval`',
    ]);
    expect(
      issues(`type: blue-green
application: shop
deploymentGroup: web
container: { name: web, port: 80 }
productionTrafficGate:
  metrics:
    - name: green
      expression: total
      queries: { y: { metric: AWS/ApplicationELB RequestCount, targetGroup: canary, stat: Sum } }`),
    ).toEqual([
      'services.web.strategy.productionTrafficGate.metrics[0].expression: the expression uses `total`, which is not one of its queries (queries: y)',
    ]);
  });

  it('checks a test-traffic gate with the same rules as a canary gate', () => {
    expect(
      issues(`type: blue-green
application: shop
deploymentGroup: web
container: { name: web, port: 80 }
testTrafficGate:
  hold: 5m
  tasks: [{ name: smoke, taskDefinitionOf: api }]
  metrics:
    - name: green
      expression: total
      queries: { y: { metric: AWS/ApplicationELB RequestCount, targetGroup: canary, stat: Sum } }
      baseline: { maxRatio: -1 }`),
    ).toEqual([
      'services.web.strategy.testTrafficGate.tasks[0].taskDefinitionOf: unknown service `api` (services: web)',
      'services.web.strategy.testTrafficGate.metrics[0].expression: the expression uses `total`, which is not one of its queries (queries: y)',
      'services.web.strategy.testTrafficGate.metrics[0].baseline.maxRatio: maxRatio must be above 0, not -1: it bounds canary ÷ stable (1.5 lets the canary be 50% worse)',
    ]);
  });

  it('accepts target groups by role, by a name the manifest declares and by ARN', () => {
    expect(
      issues(`${CANARY}
steps: [{ weight: 10, pause: 5m }]
gate:
  metrics:
    - name: all
      expression: a + b + c + d
      queries:
        a: { metric: AWS/ApplicationELB RequestCount, targetGroup: canary, stat: Sum }
        b: { metric: AWS/ApplicationELB RequestCount, targetGroup: stable, stat: Sum }
        c: { metric: AWS/ApplicationELB RequestCount, targetGroup: web-stable, stat: Sum }
        d: { metric: AWS/ApplicationELB RequestCount, targetGroup: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/other/73e2d6bc24d8a067", stat: Sum }
      max: 1`),
    ).toEqual([]);
  });
});

describe('expressionIds', () => {
  it('finds the query ids of an expression, not its functions, keywords, numbers or quoted text', () => {
    expect(expressionIds('IF(req > 0, 100 * FILL(err5xx, 0) / req, 0) + 1e3 * x_1')).toEqual([
      { id: 'req', at: 3 },
      { id: 'err5xx', at: 23 },
      { id: 'req', at: 36 },
      { id: 'x_1', at: 52 },
    ]);
    expect(expressionIds(`SUM(SEARCH('{AWS/ApplicationELB,TargetGroup} requests', 'Sum', 60)) / total`).map((i) => i.id)).toEqual([
      'total',
    ]);
    expect(expressionIds('SELECT AVG(latency) FROM SCHEMA("Custom", service)')).toEqual([]);
  });
});
