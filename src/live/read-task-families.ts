/**
 * Reads what runs for each task-only family (`tasks:`): the ECS targets of the manifest's EventBridge rules that
 * run it (ListTargetsByRule, once per rule), its newest ACTIVE revision (ListTaskDefinitions, exact family, newest
 * first, one result), and the task definitions the plan needs (through the caller's cached describe). The revision
 * compared with is the one the rules' targets run (the newest of them when they differ), else the newest ACTIVE.
 * Reads only; a rule that cannot be found is a problem the plan shows, not an error.
 */
import type { AwsPorts } from '../aws/ports.js';
import { AwsApiError } from '../errors/index.js';
import type { LiveTaskState, LiveTaskTarget } from '../model/live.js';
import type { ResolvedManifest, ResolvedTask, ScheduledTarget } from '../model/manifest.js';
import type { JsonObject } from '../model/task-definition.js';
import { taskDefinitionFamily, taskDefinitionRevision } from '../util/arn.js';
import type { Limit } from './concurrency.js';

type Target = NonNullable<Awaited<ReturnType<AwsPorts['events']['listTargetsByRule']>>['Targets']>[number];

interface ReadOptions {
  signal: AbortSignal | undefined;
  limit: Limit;
  /** DescribeTaskDefinition (include TAGS) as JSON, cached by the caller. */
  describe: (arn: string) => Promise<JsonObject | undefined>;
}

type RuleRead = { targets: Target[] } | { problem: string };

async function readRule(ports: AwsPorts, st: ScheduledTarget, o: ReadOptions): Promise<RuleRead> {
  const targets: Target[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await o.limit(() =>
        ports.events.listTargetsByRule(
          { Rule: st.rule, ...(st.eventBus ? { EventBusName: st.eventBus } : {}), ...(token ? { NextToken: token } : {}) },
          { signal: o.signal },
        ),
      );
      targets.push(...(page.Targets ?? []));
      token = page.NextToken;
    } while (token);
  } catch (error) {
    if (error instanceof AwsApiError && error.awsCode === 'ResourceNotFoundException') {
      return { problem: `EventBridge rule ${st.rule}${st.eventBus ? ` (bus ${st.eventBus})` : ''} does not exist` };
    }
    throw error;
  }
  return { targets };
}

async function latestActive(ports: AwsPorts, family: string, o: ReadOptions): Promise<string | undefined> {
  const page = await o.limit(() =>
    ports.ecs.listTaskDefinitions({ familyPrefix: family, status: 'ACTIVE', sort: 'DESC', maxResults: 1 }, { signal: o.signal }),
  );
  // `familyPrefix` is the whole family name in AWS; an emulator matching a prefix must not hand us another family.
  return (page.taskDefinitionArns ?? []).find((a) => taskDefinitionFamily(a) === family);
}

/** The targets of `task`'s rules that run it: the named target id, else every ECS target of its family. */
function targetsOf(
  task: ResolvedTask,
  rules: { st: ScheduledTarget; read: RuleRead }[],
): { targets: LiveTaskTarget[]; problems: string[] } {
  const targets: LiveTaskTarget[] = [];
  const problems: string[] = [];
  for (const { st, read } of rules) {
    if ('problem' in read) {
      problems.push(read.problem);
      continue;
    }
    const matching = read.targets.filter((t) =>
      st.targetId
        ? t.Id === st.targetId
        : t.EcsParameters?.TaskDefinitionArn !== undefined && taskDefinitionFamily(t.EcsParameters.TaskDefinitionArn) === task.family,
    );
    if (matching.length === 0) {
      problems.push(
        st.targetId ? `rule ${st.rule} has no target ${st.targetId}` : `rule ${st.rule} has no ECS target of family ${task.family}`,
      );
    }
    for (const t of matching) {
      const arn = t.EcsParameters?.TaskDefinitionArn;
      if (!arn) {
        problems.push(`target ${t.Id} of rule ${st.rule} is not an ECS task target`);
        continue;
      }
      targets.push({ rule: st.rule, ...(st.eventBus ? { eventBus: st.eventBus } : {}), targetId: t.Id ?? '', taskDefinitionArn: arn });
    }
  }
  return { targets, problems };
}

/** The revision the targets run; the newest when they differ. */
function newestOf(targets: LiveTaskTarget[]): string | undefined {
  let best: LiveTaskTarget | undefined;
  for (const t of targets) {
    if (!best || (taskDefinitionRevision(t.taskDefinitionArn) ?? 0) > (taskDefinitionRevision(best.taskDefinitionArn) ?? 0)) best = t;
  }
  return best?.taskDefinitionArn;
}

export async function readTaskFamilies(ports: AwsPorts, manifest: ResolvedManifest, o: ReadOptions): Promise<LiveTaskState[]> {
  const tasks = manifest.tasks ?? [];
  if (tasks.length === 0) return [];
  // Each rule is read once, whichever tasks it names.
  const reads = new Map<string, Promise<RuleRead>>();
  const ruleOf = (st: ScheduledTarget): Promise<RuleRead> => {
    const id = `${st.eventBus ?? ''}|${st.rule}`;
    let p = reads.get(id);
    if (!p) {
      p = readRule(ports, st, o);
      reads.set(id, p);
    }
    return p;
  };
  return Promise.all(
    tasks.map(async (task): Promise<LiveTaskState> => {
      const mine = manifest.scheduledTargets.filter((st) => st.taskDefinitionOf === task.key);
      const rules = await Promise.all(mine.map(async (st) => ({ st, read: await ruleOf(st) })));
      const { targets, problems } = targetsOf(task, rules);
      const latestActiveArn = await latestActive(ports, task.family, o);
      const fromTargets = newestOf(targets);
      const baseArn = fromTargets ?? latestActiveArn;
      const [taskDefinition, latest] = await Promise.all([
        baseArn ? o.describe(baseArn) : undefined,
        latestActiveArn && task.taskDefinition.kind === 'live' ? o.describe(latestActiveArn) : undefined,
      ]);
      return {
        key: task.key,
        family: task.family,
        targets,
        problems,
        ...(latestActiveArn && { latestActiveArn }),
        ...(baseArn && { baseArn, baseFrom: fromTargets ? ('scheduled-target' as const) : ('latest-active' as const) }),
        ...(taskDefinition && { taskDefinition }),
        ...(latest && { latest }),
      };
    }),
  );
}
