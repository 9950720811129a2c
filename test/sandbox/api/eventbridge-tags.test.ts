/**
 * EventBridge rule tags through the real SDK: PutRule `Tags` on create, TagResource (last writer wins per key),
 * UntagResource, ListTagsForResource by rule ARN on the default and a custom bus, and the errors for a rule that
 * does not exist.
 */
import {
  EventBridgeClient,
  ListTagsForResourceCommand,
  PutRuleCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { startInProcessSandbox } from '../../_helpers/sandbox.js';

function account() {
  const sb = startInProcessSandbox();
  const eb = new EventBridgeClient({ ...sb.sdkConfig(), maxAttempts: 1 });
  const tagsOf = async (ResourceARN: string) => (await eb.send(new ListTagsForResourceCommand({ ResourceARN }))).Tags;
  return { eb, tagsOf };
}

describe('EventBridge rule tags', () => {
  it('keeps PutRule tags, replaces a key on TagResource, removes it on UntagResource', async () => {
    const { eb, tagsOf } = account();
    const { RuleArn } = await eb.send(
      new PutRuleCommand({ Name: 'nightly', ScheduleExpression: 'rate(1 day)', Tags: [{ Key: 'team', Value: 'data' }] }),
    );
    const arn = RuleArn ?? '';
    expect(await tagsOf(arn)).toEqual([{ Key: 'team', Value: 'data' }]);
    await eb.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'ecsdeploy:lock', Value: 'run-a:100' }] }));
    await eb.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'ecsdeploy:lock', Value: 'run-b:200' }] }));
    expect(await tagsOf(arn)).toEqual([
      { Key: 'team', Value: 'data' },
      { Key: 'ecsdeploy:lock', Value: 'run-b:200' },
    ]);
    // PutRule on an existing rule updates it and leaves its tags.
    await eb.send(new PutRuleCommand({ Name: 'nightly', ScheduleExpression: 'rate(2 days)' }));
    await eb.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ['ecsdeploy:lock'] }));
    expect(await tagsOf(arn)).toEqual([{ Key: 'team', Value: 'data' }]);
  });

  it('tags a rule of a custom bus by its ARN', async () => {
    const { eb, tagsOf } = account();
    const { RuleArn } = await eb.send(new PutRuleCommand({ Name: 'hourly', EventBusName: 'ops', ScheduleExpression: 'rate(1 hour)' }));
    expect(RuleArn).toMatch(/:rule\/ops\/hourly$/);
    await eb.send(new TagResourceCommand({ ResourceARN: RuleArn, Tags: [{ Key: 'k', Value: 'v' }] }));
    expect(await tagsOf(RuleArn ?? '')).toEqual([{ Key: 'k', Value: 'v' }]);
  });

  it('refuses a rule that does not exist with ResourceNotFoundException naming it and its bus', async () => {
    const { eb, tagsOf } = account();
    const { RuleArn } = await eb.send(new PutRuleCommand({ Name: 'nightly', ScheduleExpression: 'rate(1 day)' }));
    const missing = (RuleArn ?? '').replace('nightly', 'weekly');
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => 'accepted',
        (e: Error) => `${e.name}: ${e.message}`,
      );
    expect(await failure(tagsOf(missing))).toBe('ResourceNotFoundException: Rule weekly does not exist on EventBus default.');
    expect(await failure(eb.send(new TagResourceCommand({ ResourceARN: missing, Tags: [{ Key: 'k', Value: 'v' }] })))).toBe(
      'ResourceNotFoundException: Rule weekly does not exist on EventBus default.',
    );
  });
});
