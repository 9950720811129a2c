/**
 * The plan of a task-only family (`tasks:`), pure: diffed against the revision its EventBridge targets run (else
 * the newest ACTIVE one), normalized as a service's is; `fromLive` copies the newest ACTIVE revision with the
 * overrides; targets left on another revision are moved even when nothing else changes.
 */
import { describe, expect, it } from 'vitest';
import type { LiveTaskState } from '../../src/model/live.js';
import type { ResolvedTask } from '../../src/model/manifest.js';
import { planTask, targetsToMove } from '../../src/plan/task-plan.js';

const ARN = (rev: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/report:${rev}`;

function task(over: Partial<ResolvedTask> = {}): ResolvedTask {
  return {
    key: 'report',
    family: 'report',
    cluster: 'jobs',
    run: { launchType: 'FARGATE' },
    taskDefinition: {
      kind: 'declared',
      input: { family: 'report', containerDefinitions: [{ name: 'report', image: 'repo/report:2', essential: true, memory: 512 }] },
    },
    images: {},
    repositoryImages: [],
    environment: {},
    command: {},
    sensitive: [],
    ignoreTags: [],
    ...over,
  } as ResolvedTask;
}

/** What DescribeTaskDefinition returns for a revision running `image` (read-only fields and our tags included). */
function described(rev: number, image: string) {
  return {
    taskDefinitionArn: ARN(rev),
    family: 'report',
    revision: rev,
    status: 'ACTIVE',
    containerDefinitions: [{ name: 'report', image, essential: true, memory: 512, cpu: 0, environment: [], mountPoints: [] }],
    tags: [{ key: 'ecsdeploy:manifest-digest', value: 'abc' }],
  };
}

function state(over: Partial<LiveTaskState> = {}): LiveTaskState {
  return { key: 'report', family: 'report', targets: [], problems: [], ...over };
}

describe('planTask', () => {
  it('is unchanged when the revision the rule runs matches after normalization (read-only fields, defaults, our tags)', () => {
    const live = described(4, 'repo/report:2');
    const p = planTask(
      task(),
      state({
        targets: [{ rule: 'nightly', targetId: 't1', taskDefinitionArn: ARN(4) }],
        baseArn: ARN(4),
        baseFrom: 'scheduled-target',
        latestActiveArn: ARN(5),
        taskDefinition: live,
      }),
      [],
    );
    expect(p).toMatchObject({
      action: 'no-change',
      taskDefinitionChanged: false,
      diff: '',
      live: { taskDefinitionArn: ARN(4), from: 'scheduled-target' },
    });
    expect(targetsToMove(p)).toEqual([]);
  });

  it('registers and moves every target when the image differs', () => {
    const p = planTask(
      task(),
      state({
        targets: [{ rule: 'nightly', targetId: 't1', taskDefinitionArn: ARN(4) }],
        baseArn: ARN(4),
        baseFrom: 'scheduled-target',
        taskDefinition: described(4, 'repo/report:1'),
      }),
      [],
    );
    expect(p.action).toBe('update');
    expect(p.taskDefinitionChanged).toBe(true);
    expect(p.changes.map((c) => c.path)).toEqual(['containerDefinitions[report].image']);
    expect(p.diff).toContain('+        "image": "repo/report:2"');
    expect(targetsToMove(p).map((t) => t.targetId)).toEqual(['t1']);
  });

  it('moves a target left on another revision even when the definition is unchanged', () => {
    const p = planTask(
      task(),
      state({
        targets: [
          { rule: 'nightly', targetId: 't1', taskDefinitionArn: ARN(4) },
          { rule: 'hourly', targetId: 't2', taskDefinitionArn: ARN(3) },
        ],
        baseArn: ARN(4),
        baseFrom: 'scheduled-target',
        taskDefinition: described(4, 'repo/report:2'),
      }),
      [],
    );
    expect(p).toMatchObject({ action: 'update', taskDefinitionChanged: false });
    expect(targetsToMove(p).map((t) => t.targetId)).toEqual(['t2']);
  });

  it('creates the first revision of a family that has none', () => {
    const p = planTask(task(), state(), []);
    expect(p).toMatchObject({ action: 'create', live: null, taskDefinitionChanged: true });
  });

  it('fromLive: copies the newest ACTIVE revision with the overrides, without read-only fields or our tags', () => {
    const latest = described(7, 'repo/report:1');
    const p = planTask(
      task({ taskDefinition: { kind: 'live' }, images: { report: 'repo/report:3' } } as Partial<ResolvedTask>),
      state({ baseArn: ARN(7), baseFrom: 'latest-active', latestActiveArn: ARN(7), taskDefinition: latest, latest }),
      [],
    );
    expect(p.action).toBe('update');
    expect(p.desired.taskDefinition.containerDefinitions[0]?.image).toBe('repo/report:3');
    expect(p.desired.taskDefinition).not.toHaveProperty('revision');
    expect(p.desired.taskDefinition).not.toHaveProperty('tags');
  });

  it('fromLive: refuses a family with no ACTIVE revision, and a container the live definition does not have', () => {
    expect(() => planTask(task({ taskDefinition: { kind: 'live' } } as Partial<ResolvedTask>), state(), [])).toThrow(/no ACTIVE revision/);
    const latest = described(7, 'repo/report:1');
    expect(() =>
      planTask(
        task({ taskDefinition: { kind: 'live' }, images: { worker: 'repo/w:1' } } as Partial<ResolvedTask>),
        state({ baseArn: ARN(7), latestActiveArn: ARN(7), taskDefinition: latest, latest }),
        [],
      ),
    ).toThrow(/no container "worker"/);
  });

  it('carries what the rules could not show as warnings', () => {
    const p = planTask(task(), state({ problems: ['EventBridge rule nightly does not exist'] }), []);
    expect(p.warnings).toEqual(['EventBridge rule nightly does not exist']);
  });
});
