import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManifestError } from '../../../src/errors/index.js';
import { parseScenario } from '../../../src/sandbox/world/index.js';
import { behaviourFor, hookAnswerFor } from '../../../src/sandbox/world/scenario.js';

const SCENARIOS = join(__dirname, '../../../examples/scenarios');

describe('scenario files', () => {
  it('parse images, faults and the traffic rate', () => {
    const s = parseScenario(
      [
        'trafficPerMinute: 1200',
        'images:',
        '  - match: "*:bad"',
        '    crashOnStart: true',
        '    exitCode: 2',
        'faults:',
        '  - { service: ecs, operation: UpdateService, throttleRate: 0.3 }',
      ].join('\n'),
      'x.yaml',
    );
    expect(s).toEqual({
      trafficPerMinute: 1200,
      images: [{ match: '*:bad', crashOnStart: true, exitCode: 2 }],
      faults: [{ service: 'ecs', operation: 'UpdateService', throttleRate: 0.3 }],
    });
  });

  it('parse CodeDeploy hook answers, and name a wrong event or status where it is written', () => {
    const s = parseScenario(
      ['hooks:', '  - { match: "orders-*", event: AfterAllowTestTraffic, status: Failed, seconds: 30, message: "smoke failed" }'].join(
        '\n',
      ),
      'h.yaml',
    );
    expect(s.hooks).toEqual([
      { match: 'orders-*', event: 'AfterAllowTestTraffic', status: 'Failed', seconds: 30, message: 'smoke failed' },
    ]);
    let error: unknown;
    try {
      parseScenario(['hooks:', '  - { match: x, event: Install, status: Maybe }', '  - { status: Failed }'].join('\n'), 'h.yaml');
    } catch (e) {
      error = e;
    }
    const issues = (error as ManifestError).issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`);
    expect(issues).toEqual([
      expect.stringMatching(/^2:\d+ hooks\[0\]\.event: must be one of BeforeInstall, AfterInstall/),
      // One hooks list for CodeDeploy's and ECS's hooks: either spelling of a status.
      expect.stringMatching(/^2:\d+ hooks\[0\]\.status: must be one of SUCCEEDED, FAILED, IN_PROGRESS, Succeeded, Failed, Pending/),
      expect.stringMatching(/^3:\d+ hooks\[1\]: `match` and `status` are required/),
    ]);
  });

  it('report every problem with its file, line and column', () => {
    let error: unknown;
    try {
      parseScenario(
        ['images:', '  - match: "*"', '    errorRate: 2', '    colour: red', 'faults:', '  - service: s3'].join('\n'),
        'bad.yaml',
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ManifestError);
    const issues = (error as ManifestError).issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.path}`);
    expect(issues).toEqual(['bad.yaml:3:16 images[0].errorRate', 'bad.yaml:4:5 images[0].colour', 'bad.yaml:6:14 faults[0].service']);
  });

  it('parse Lambda hook answers, matched on the function ARN or name and optionally the stage; others answer SUCCEEDED', () => {
    const s = parseScenario(
      [
        'hooks:',
        '  - { match: smoke-test, stage: POST_TEST_TRAFFIC_SHIFT, status: FAILED, seconds: 20 }',
        '  - { match: "*:function:slow-*", status: IN_PROGRESS }',
      ].join('\n'),
      'h.yaml',
    );
    const arn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
    expect(hookAnswerFor(s, arn('smoke-test'), 'POST_TEST_TRAFFIC_SHIFT')).toEqual({ status: 'FAILED', seconds: 20 });
    expect(hookAnswerFor(s, arn('smoke-test'), 'POST_SCALE_UP')).toEqual({ status: 'SUCCEEDED', seconds: 1 });
    expect(hookAnswerFor(s, arn('slow-check'), 'PRE_SCALE_UP')).toEqual({ status: 'IN_PROGRESS', seconds: 1 });
    expect(hookAnswerFor(s, arn('other'), 'PRE_SCALE_UP').status).toBe('SUCCEEDED');
    let error: unknown;
    try {
      parseScenario('hooks:\n  - { match: x, status: MAYBE }\n  - { status: FAILED }\n', 'bad-hooks.yaml');
    } catch (e) {
      error = e;
    }
    expect((error as ManifestError).issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`)).toEqual([
      '2:25 hooks[0].status: must be one of SUCCEEDED, FAILED, IN_PROGRESS, Succeeded, Failed, Pending',
      '3:5 hooks[1]: `match` and `status` are required',
    ]);
  });

  it('match image behaviours by glob on the whole reference or on the tag alone', () => {
    const s = parseScenario(
      'images:\n  - { match: "*shop-web:2.*", errorRate: 0.2 }\n  - { match: "bad", crashOnStart: true }\n',
      's.yaml',
    );
    expect(behaviourFor(s, [{ image: '1.dkr.ecr.us-east-1.amazonaws.com/shop-web:2.1.0', essential: true }]).errorRate).toBe(0.2);
    expect(behaviourFor(s, [{ image: 'repo/x:bad', essential: true }]).crashOnStart).toBe(true);
    expect(behaviourFor(s, [{ image: 'repo/x:bad', essential: false }]).crashOnStart).toBe(false);
    expect(behaviourFor(s, [{ image: 'repo/x:good', essential: true }])).toMatchObject({
      crashOnStart: false,
      errorRate: 0,
      startSeconds: 5,
    });
  });

  it('ship example scenarios that all parse', () => {
    const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml'));
    expect(files).toEqual(expect.arrayContaining(['healthy-canary.yaml', 'bad-release.yaml', 'crashing.yaml', 'throttled.yaml']));
    for (const f of files) expect(() => parseScenario(readFileSync(join(SCENARIOS, f), 'utf8'), f)).not.toThrow();
  });
});
