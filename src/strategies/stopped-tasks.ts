/**
 * Why a rollout failed, in the operator's terms: the stopped tasks of the new task definition, with their stop
 * reasons and container exit codes (ListTasks desiredStatus STOPPED + DescribeTasks), and the last log lines of the
 * container that stopped each of the first few (container-logs.ts). Best effort: a failure to read them never
 * hides the deployment's own verdict.
 */
import type { AwsPorts, EcsTask } from '../aws/ports.js';
import type { StoppedTaskInfo } from '../events/types.js';
import { chunk } from '../util/chunk.js';
import { containerLogs, culpritContainer, type TaskDefinitionLogSettings } from './container-logs.js';

/** Stopped tasks whose logs are read: the newest few explain a crash loop; more only repeat it, at a call each. */
const TASKS_WITH_LOGS = 3;

export function stoppedTaskInfo(task: EcsTask): StoppedTaskInfo {
  return {
    taskArn: task.taskArn ?? '',
    taskDefinitionArn: task.taskDefinitionArn ?? '',
    stoppedReason: task.stoppedReason,
    stopCode: task.stopCode,
    containers: (task.containers ?? []).map((c) => ({ name: c.name ?? '', exitCode: c.exitCode, reason: c.reason })),
  };
}

export async function collectStoppedTasks(
  ports: AwsPorts,
  where: { cluster: string; service: string; taskDefinitionArn: string },
  signal: AbortSignal,
  limit = 5,
): Promise<StoppedTaskInfo[]> {
  try {
    const listed = await ports.ecs.listTasks(
      { cluster: where.cluster, serviceName: where.service, desiredStatus: 'STOPPED', maxResults: 100 },
      { signal },
    );
    const arns = listed.taskArns ?? [];
    if (arns.length === 0) return [];
    const tasks: EcsTask[] = [];
    for (const part of chunk(arns, 100)) {
      const out = await ports.ecs.describeTasks({ cluster: where.cluster, tasks: part }, { signal });
      tasks.push(...(out.tasks ?? []));
    }
    const stopped = tasks
      .filter((t) => t.taskDefinitionArn === where.taskDefinitionArn)
      .sort((a, b) => time(b.stoppedAt) - time(a.stoppedAt))
      .slice(0, limit)
      .map(stoppedTaskInfo);
    return await withLogs(ports, stopped, where.taskDefinitionArn, signal);
  } catch {
    return [];
  }
}

/**
 * The stopped tasks with the last log lines of the container that stopped each (the newest few), read with the
 * task definition's log configuration. `taskDefinition`: the definition when the caller has it (a one-off task's),
 * else it is described once. Without a logs port (ports built by hand) the tasks are returned as they are.
 */
export async function withLogs(
  ports: AwsPorts,
  stopped: StoppedTaskInfo[],
  taskDefinitionArn: string,
  signal: AbortSignal,
  taskDefinition?: TaskDefinitionLogSettings,
): Promise<StoppedTaskInfo[]> {
  if (!ports.logs || stopped.length === 0) return stopped;
  let td = taskDefinition;
  if (!td) {
    try {
      td = (await ports.ecs.describeTaskDefinition({ taskDefinition: taskDefinitionArn }, { signal })).taskDefinition as
        | TaskDefinitionLogSettings
        | undefined;
    } catch {
      td = undefined;
    }
  }
  const out: StoppedTaskInfo[] = [];
  for (const [i, task] of stopped.entries()) {
    const container = i < TASKS_WITH_LOGS ? culpritContainer(td, task.containers) : undefined;
    out.push(container ? { ...task, logs: await containerLogs(ports, td, container, task.taskArn, signal) } : task);
  }
  return out;
}

function time(d: Date | string | undefined): number {
  return d ? new Date(d).getTime() : 0;
}
