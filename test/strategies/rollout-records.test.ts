import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/events/types.js';
import { notifyMilestone, recordStateOrWarn } from '../../src/strategies/rollout-records.js';
import type { RolloutMilestone, StrategyContext } from '../../src/strategies/types.js';

function contextWith(events: EngineEvent[], milestones: RolloutMilestone[] = []): StrategyContext {
  return {
    emit: (e: EngineEvent) => events.push(e),
    notify: async (m: RolloutMilestone) => {
      milestones.push(m);
    },
  } as unknown as StrategyContext;
}

describe('recordStateOrWarn', () => {
  it('a failed write is a warning naming the service and what was not recorded; the rollout goes on', async () => {
    const events: EngineEvent[] = [];
    await recordStateOrWarn(contextWith(events), { service: 'web', what: 'canary state' }, async () => {
      throw new Error('AccessDenied: ecs:TagResource');
    });
    expect(events).toEqual([
      {
        type: 'log',
        level: 'warn',
        message:
          'web: could not record the canary state (AccessDenied: ecs:TagResource); promote/abort from another machine will not find it',
      },
    ]);
  });

  it('after an interrupt the failure reaches the caller, without a warning', async () => {
    const events: EngineEvent[] = [];
    const aborted = new AbortController();
    aborted.abort();
    const failing = recordStateOrWarn(
      contextWith(events),
      { service: 'web', what: 'deployment state', signal: aborted.signal },
      async () => {
        throw new Error('interrupted');
      },
    );
    await expect(failing).rejects.toThrow('interrupted');
    expect(events).toEqual([]);
  });

  it('a write that succeeds says nothing', async () => {
    const events: EngineEvent[] = [];
    let written = 0;
    await recordStateOrWarn(contextWith(events), { service: 'web', what: 'canary state' }, async () => {
      written++;
    });
    expect({ written, events }).toEqual({ written: 1, events: [] });
  });
});

describe('notifyMilestone', () => {
  it('publishes the milestone with its detail only when there is one', async () => {
    const milestones: RolloutMilestone[] = [];
    const context = contextWith([], milestones);
    await notifyMilestone(context, 'web', 'canary-step', 'step 1 at 10 %', { step: 1 });
    await notifyMilestone(context, 'web', 'canary-promoted', 'promoted');
    expect(milestones).toStrictEqual([
      { service: 'web', event: 'canary-step', summary: 'step 1 at 10 %', detail: { step: 1 } },
      { service: 'web', event: 'canary-promoted', summary: 'promoted' },
    ]);
  });
});
