/**
 * Why a rollout failed, in the operator's terms: the stopped tasks of the new task definition, with their stop
 * reasons and container exit codes (ListTasks desiredStatus STOPPED + DescribeTasks). Best effort: a failure to
 * read them never hides the deployment's own verdict.
 */
import type { AwsPorts, EcsTask } from '../aws/ports.js';
import type { StoppedTaskInfo } from '../events/types.js';
import { chunk } from '../util/chunk.js';

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
    return tasks
      .filter((t) => t.taskDefinitionArn === where.taskDefinitionArn)
      .sort((a, b) => time(b.stoppedAt) - time(a.stoppedAt))
      .slice(0, limit)
      .map(stoppedTaskInfo);
  } catch {
    return [];
  }
}

function time(d: Date | string | undefined): number {
  return d ? new Date(d).getTime() : 0;
}
