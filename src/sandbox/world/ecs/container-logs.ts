/**
 * What a task's containers print, as the awslogs log driver delivers it to CloudWatch Logs: each container whose
 * definition uses `awslogs` with a stream prefix writes to `PREFIX/CONTAINER/TASK_ID` in its group when it
 * starts (the sandbox's start line, then the scenario's `logs` lines for its image), at the sandbox's clock.
 *
 * Simplifications (docs/sandbox.md): a log group that does not exist is created only with
 * `awslogs-create-group: "true"`; otherwise nothing is written (AWS would fail the task to start); a group in
 * another region than the task's is not written either; without a stream prefix (allowed on EC2, where the
 * stream is then named by the Docker container id) nothing is written.
 */
import type { WorldContext } from '../context.js';
import { isRecord, list } from '../input.js';
import { appendEvents, createGroup, createStream, findGroup } from '../logs/store.js';
import type { TaskDefinitionState, TaskState } from '../types.js';

interface AwslogsTarget {
  group: string;
  stream: string;
  createGroup: boolean;
}

/** Where the awslogs driver of container `name` writes for this task, when it is one the sandbox can serve. */
function awslogsTarget(w: WorldContext, td: TaskDefinitionState, name: string, taskId: string): AwslogsTarget | undefined {
  const def = list(td.td.containerDefinitions)
    .filter(isRecord)
    .find((c) => c.name === name);
  const config = isRecord(def?.logConfiguration) ? def.logConfiguration : undefined;
  if (config?.logDriver !== 'awslogs' || !isRecord(config.options)) return undefined;
  const options = config.options;
  const group = typeof options['awslogs-group'] === 'string' ? options['awslogs-group'] : undefined;
  const prefix = typeof options['awslogs-stream-prefix'] === 'string' ? options['awslogs-stream-prefix'] : undefined;
  const region = typeof options['awslogs-region'] === 'string' ? options['awslogs-region'] : w.region;
  if (!group || !prefix || region !== w.region) return undefined;
  return { group, stream: `${prefix}/${name}/${taskId}`, createGroup: String(options['awslogs-create-group']) === 'true' };
}

/** The containers of `task` start: each writes its start line and its scenario output to its awslogs stream. */
export function writeContainerOutput(w: WorldContext, task: TaskState, td: TaskDefinitionState | undefined): void {
  if (!td) return;
  const taskId = task.taskArn.split('/').pop() ?? task.taskArn;
  for (const c of task.containers) {
    const target = awslogsTarget(w, td, c.name, taskId);
    if (!target) continue;
    let group = findGroup(w, target.group);
    if (!group && target.createGroup) group = createGroup(w, target.group);
    if (!group) continue;
    const stream = Object.hasOwn(group.streams, target.stream) ? group.streams[target.stream] : createStream(w, group, target.stream);
    if (!stream) continue;
    const lines = [`(sandbox) container ${c.name} started from ${c.image}`, ...(c.output ?? [])];
    appendEvents(
      w,
      stream,
      lines.map((message) => ({ timestamp: w.now, message })),
    );
  }
}
