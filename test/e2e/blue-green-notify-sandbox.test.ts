/**
 * What a blue-green run tells people, end to end with the real CLI on the sandbox: SNS on the start, a pause, the
 * success and a rollback (with the trigger), and the Markdown summary's table of lifecycle events.
 */
import { describe, expect, it } from 'vitest';
import { renderApplySummaryMarkdown } from '../../src/render/events-markdown.js';
import { cli } from '../_helpers/cli.js';
import { blueGreenExample, blueGreenWorld, ENV, JSON_APPLY } from './blue-green-world.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:orders-deploys';

const APPROVAL = `    strategy:
      type: blue-green
      application: orders
      deploymentGroup: orders-api
      container: { name: api, port: 8080 }
      testTrafficGate:
        hold: 2m
        approval: true
        alarms: [orders-api-green-5xx]
`;

async function run(scenario: string, strategy?: string) {
  const world = blueGreenWorld({ cwd: blueGreenExample({ notify: TOPIC, ...(strategy ? { strategy } : {}) }), scenario });
  const r = await cli(JSON_APPLY, { cwd: world.cwd, env: ENV, context: world.record().context });
  const messages = world.sb.runtime.world.snapshot().sns.messages.filter((m) => m.topicArn === TOPIC);
  return { r, subjects: messages.map((m) => m.subject), messages };
}

describe('blue-green notifications and summary', () => {
  it('SNS on the start and the success; the summary has the lifecycle table', async () => {
    const { r, subjects } = await run('healthy-canary.yaml');
    expect(r.code).toBe(0);
    expect(subjects).toEqual([
      'ecsdeploy: deploy started: api',
      'ecsdeploy: codedeploy-started: api',
      'ecsdeploy: codedeploy-succeeded: api',
      'ecsdeploy: deploy succeeded: api',
    ]);
    const md = renderApplySummaryMarkdown(r.events);
    expect(md).toContain('### Blue-green lifecycle');
    expect(md).toMatch(/\| \*\*api\*\* \| `d-\w+` \| AllowTestTraffic \| ✅ Succeeded \|/);
    expect(md).toMatch(/\| \*\*api\*\* \| `d-\w+` \| AllowTraffic \| ✅ Succeeded \|/);
  });

  it('SNS on a rollback, with what triggered it, and on a pause for approval', async () => {
    const bad = await run('bad-release.yaml');
    expect(bad.r.code).toBe(1);
    const rolledBack = bad.messages.find((m) => m.subject === 'ecsdeploy: codedeploy-rolled-back: api');
    expect(JSON.parse(rolledBack?.message ?? '{}')).toMatchObject({
      service: 'api',
      event: 'codedeploy-rolled-back',
      detail: { trigger: 'gate', deploymentId: expect.stringMatching(/^d-/) },
    });

    const paused = await run('healthy-canary.yaml', APPROVAL);
    expect(paused.r.code).toBe(3);
    const message = paused.messages.find((m) => m.subject === 'ecsdeploy: codedeploy-paused: api');
    expect(JSON.parse(message?.message ?? '{}')).toMatchObject({
      event: 'codedeploy-paused',
      detail: { next: ['ecsdeploy promote -n api', 'ecsdeploy abort -n api'] },
    });
  });
});
