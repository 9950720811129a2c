/**
 * One event → the human lines that describe it, shared by the plain log and the lines the tty view prints above its
 * live region. Each line says which service it belongs to and how prominent it is, so each renderer can lay it out.
 */
import { isFailedOutcome } from '../events/outcomes.js';
import type { EngineEvent, EventLevel, StoppedTaskInfo } from '../events/types.js';
import { revisionName, taskId, topicName } from './events-names.js';
import {
  describeContainerLogs,
  describeStoppedTask,
  formatGate,
  formatGateCheck,
  formatGateFinished,
  outcomeWords,
} from './outcome-words.js';
import { formatDuration } from './time-format.js';

/**
 * - `key`: a milestone worth seeing at a glance (start, finish, failures, warnings).
 * - `chatter`: detail that can be folded away (ECS service events, progress, phases, traffic, passing gates).
 * - `live`: state the tty view shows in its live region instead of printing it (phases, progress).
 */
type LineKind = 'key' | 'chatter' | 'live';

export interface EventLine {
  /** Manifest key of the service (or `one-off <name>`) the line is about; undefined for run-level lines. */
  subject: string | undefined;
  text: string;
  level: EventLevel;
  kind: LineKind;
}

function line(subject: string | undefined, text: string, level: EventLevel, kind: LineKind): EventLine {
  return { subject, text, level, kind };
}

function weights(w: Record<string, number>): string {
  return Object.entries(w)
    .map(([name, pct]) => `${name} ${pct}%`)
    .join(' / ');
}

/** `one-off task`, `scheduled target`, `cleanup of`: what a skipped step is, before its name. */
export function stepWords(step: string): string {
  switch (step) {
    case 'one-off':
      return 'one-off task';
    case 'scheduled-target':
      return 'scheduled target';
    case 'cleanup':
      return 'cleanup of';
    default:
      return step;
  }
}

/**
 * Lines for a known event type; `undefined` for a type this version does not know (the engine may add types: the
 * plain log prints a generic line for them, the tty view ignores them). An empty array means "nothing to print".
 */
export function describeEvent(event: EngineEvent): EventLine[] | undefined {
  const lvl = event.level;
  switch (event.type) {
    case 'plan.computed': {
      const s = event.plan.summary;
      // A service with a rollout in flight is not "unchanged", whatever its action.
      const inFlight = event.plan.services.filter((x) => x.inFlight).length;
      const unchanged = event.plan.services.filter((x) => x.action === 'no-change' && !x.inFlight).length;
      const more = inFlight > 0 ? `, ${inFlight} with a rollout in progress` : '';
      const t = s.tasks;
      const tasks = t ? `; task families: ${t.create} to create, ${t.update} to update, ${t.noChange} unchanged` : '';
      return [
        line(
          undefined,
          `plan: ${s.create} to create, ${s.update} to update, ${unchanged} unchanged, ${s.blocked} blocked${more}${tasks}`,
          lvl,
          'key',
        ),
      ];
    }
    case 'apply.started': {
      const names = [...event.services, ...(event.tasks ?? []).map((t) => `task ${t}`)];
      const what = names.length > 0 ? names.join(', ') : 'no services';
      return [line(undefined, `${event.dryRun ? 'dry run' : 'apply'} started: ${what} (run ${event.runId})`, lvl, 'key')];
    }
    case 'apply.finished':
      // The final summary (stdout) says it all; repeating it in the log would only add noise.
      return [];
    case 'aws.call': {
      const verb = event.dryRun ? 'would call' : 'call';
      return [line(undefined, `${verb} ${event.service}.${event.operation}${event.summary ? `: ${event.summary}` : ''}`, lvl, 'chatter')];
    }
    case 'oneoff.started':
      return [
        line(`one-off ${event.name}`, `started task ${taskId(event.taskArn)} (${revisionName(event.taskDefinitionArn)})`, lvl, 'key'),
      ];
    case 'oneoff.finished': {
      const subject = `one-off ${event.name}`;
      if (event.outcome === 'succeeded') return [line(subject, 'succeeded', lvl, 'key')];
      const out = [line(subject, `FAILED${event.reason ? `: ${event.reason}` : ''}`, 'error', 'key')];
      if (event.task) {
        out.push(line(subject, `  task ${taskId(event.task.taskArn)}: ${describeStoppedTask(event.task)}`, 'error', 'key'));
        out.push(...logLines(subject, event.task, '    ', 'error'));
      }
      return out;
    }
    case 'oneoff.log':
      return [line(`one-off ${event.name}`, `[${event.container}] ${event.message}`, lvl, 'key')];
    case 'run.finished': {
      const subject = `one-off ${event.name}`;
      if (event.outcome === 'started') return [line(subject, `started ${event.taskArn ?? ''}; not waiting for it (--no-wait)`, lvl, 'key')];
      if (event.outcome === 'interrupted') return [line(subject, `INTERRUPTED: ${event.reason ?? 'the task was stopped'}`, 'warn', 'key')];
      // oneoff.finished already told the outcome and its evidence.
      return [];
    }
    case 'taskdef.registered':
      return [
        line(event.task ? `task ${event.service}` : event.service, `registered ${revisionName(event.taskDefinitionArn)}`, lvl, 'chatter'),
      ];
    case 'service.started': {
      const from = event.fromTaskDefinition ? ` (from ${revisionName(event.fromTaskDefinition)})` : '';
      const dep = event.deploymentId ? `, deployment ${event.deploymentId}` : '';
      return [line(event.service, `deploying ${revisionName(event.toTaskDefinition)}${from} with ${event.strategy}${dep}`, lvl, 'key')];
    }
    case 'service.phase':
      return [line(event.service, `${event.phase}${event.detail ? `: ${event.detail}` : ''}`, lvl, 'live')];
    case 'service.progress': {
      const pending = event.pending > 0 ? `, ${event.pending} pending` : '';
      const rollout = event.rolloutState ? ` (${event.rolloutState})` : '';
      return [line(event.service, `${event.running}/${event.desired} running${pending}${rollout}`, lvl, 'live')];
    }
    case 'service.event':
      return [line(event.service, event.message, lvl, 'chatter')];
    case 'service.finished': {
      const failed = isFailedOutcome(event.outcome);
      const rev = event.taskDefinitionArn ? `, running ${revisionName(event.taskDefinitionArn)}` : '';
      const reason = event.reason ? `: ${event.reason}` : '';
      const words = failed ? outcomeWords(event.outcome).toUpperCase() : outcomeWords(event.outcome);
      // A skipped or unchanged service took no time worth stating.
      const took = event.outcome === 'skipped' || event.outcome === 'unchanged' ? '' : ` after ${formatDuration(event.durationMs)}`;
      const head = `${words}${took}${rev}${reason}`;
      const level: EventLevel = failed ? 'error' : event.outcome === 'interrupted' ? 'warn' : lvl;
      const out = [line(event.service, head, level, 'key')];
      for (const t of event.stoppedTasks ?? []) {
        out.push(
          line(
            event.service,
            `  stopped task ${taskId(t.taskArn)} (${revisionName(t.taskDefinitionArn)}): ${describeStoppedTask(t)}`,
            level,
            'key',
          ),
        );
        out.push(...logLines(event.service, t, '    ', level));
      }
      return out;
    }
    case 'traffic.shifted':
      return [
        line(event.service, `traffic ${weights(event.weights)}${event.step === undefined ? '' : ` (step ${event.step})`}`, lvl, 'chatter'),
      ];
    case 'gate.evaluated': {
      const level: EventLevel = event.outcome === 'fail' ? 'error' : event.outcome === 'inconclusive' ? 'warn' : lvl;
      return [line(event.service, formatGate(event), level, event.outcome === 'pass' ? 'chatter' : 'key')];
    }
    case 'gate.finished': {
      const level: EventLevel = event.verdict === 'fail' ? 'error' : event.verdict === 'pause' ? 'warn' : lvl;
      return [line(event.service, formatGateFinished(event), level, 'key')];
    }
    case 'canary.step': {
      const level: EventLevel = event.verdict === 'fail' ? 'error' : event.verdict === 'pause' ? 'warn' : lvl;
      return [
        line(event.service, `canary step ${event.step} at ${event.weight}% (${weights(event.weights)}): ${event.verdict}`, level, 'key'),
      ];
    }
    case 'canary.paused':
      return [
        line(event.service, `canary PAUSED at step ${event.step} (${event.weight}%): ${event.reason}`, 'warn', 'key'),
        ...event.next.map((command) => line(event.service, `  next: ${command}`, 'warn', 'key')),
      ];
    case 'canary.promoted':
      return [
        line(event.service, `canary promoted: ${revisionName(event.taskDefinitionArn)} runs on stable, all traffic on stable`, lvl, 'key'),
      ];
    case 'canary.aborted': {
      const level: EventLevel = event.trigger === 'interrupt' && event.trafficRestored ? 'warn' : 'error';
      const out = [line(event.service, `canary ABORTED at step ${event.step} (${event.weight}%): ${event.reason}`, level, 'key')];
      for (const c of event.checks ?? []) out.push(line(event.service, `  evidence: ${formatGateCheck(c)}`, level, 'key'));
      return out;
    }
    case 'codedeploy.lifecycle': {
      const d = event.diagnostics;
      const why = d ? ` (${[d.scriptName, d.errorCode, d.message].filter(Boolean).join(': ')})` : '';
      const level: EventLevel = event.status === 'Failed' ? 'error' : lvl;
      return [line(event.service, `${event.event} ${event.status}${why}`, level, event.status === 'Failed' ? 'key' : 'chatter')];
    }
    case 'codedeploy.paused':
      return [
        line(event.service, `blue-green PAUSED (${event.wait} wait, deployment ${event.deploymentId}): ${event.reason}`, 'warn', 'key'),
        ...event.next.map((command) => line(event.service, `  next: ${command}`, 'warn', 'key')),
      ];
    case 'codedeploy.stopped': {
      const level: EventLevel = event.trigger === 'interrupt' && event.trafficRestored ? 'warn' : 'error';
      const seen = event.productionWeight > 0 ? `production saw up to ${event.productionWeight}%` : 'production never saw it';
      const out = [line(event.service, `blue-green STOPPED (${event.trigger}, ${seen}): ${event.reason}`, level, 'key')];
      for (const c of event.checks ?? []) out.push(line(event.service, `  evidence: ${formatGateCheck(c)}`, level, 'key'));
      return out;
    }
    case 'ecs-native.stage': {
      const weights = [
        event.testWeight === undefined ? '' : `test ${event.testWeight}%`,
        event.productionWeight === undefined ? '' : `production ${event.productionWeight}%`,
      ].filter(Boolean);
      const on = weights.length ? ` (new revision: ${weights.join(', ')})` : '';
      return [line(event.service, `${event.stage}, ${event.status}${on}`, lvl, 'live')];
    }
    case 'ecs-native.hold': {
      const level: EventLevel = event.decision === 'rollback' ? 'error' : event.decision === 'pause' ? 'warn' : lvl;
      const step = event.step === undefined ? '' : ` before step ${event.step}`;
      const out = [
        line(
          event.service,
          `pause at ${event.stage}${step} (${event.productionWeight}% of production on the new revision): ${event.decision}: ${event.reason}`,
          level,
          'key',
        ),
      ];
      for (const c of event.checks ?? []) out.push(line(event.service, `  evidence: ${formatGateCheck(c)}`, level, 'key'));
      return out;
    }
    case 'ecs-native.paused':
      return [
        line(event.service, `deployment PAUSED at ${event.stage}: ${event.reason}`, 'warn', 'key'),
        ...event.next.map((command) => line(event.service, `  next: ${command}`, 'warn', 'key')),
      ];
    case 'scheduled-target.updated':
      return [
        line(
          undefined,
          `scheduled target ${event.rule}/${event.targetId} moved ${revisionName(event.from)} → ${revisionName(event.to)}`,
          lvl,
          'key',
        ),
      ];
    case 'step.skipped':
      return [line(undefined, `not done: ${stepWords(event.step)} ${event.name}: ${event.reason}`, lvl, 'key')];
    case 'revision.deregistered':
      return [line(undefined, `deregistered ${revisionName(event.taskDefinitionArn)}`, lvl, 'key')];
    case 'notification.sent':
      return [line(undefined, `notified ${topicName(event.topicArn)}: ${event.subject}`, lvl, 'key')];
    case 'log':
      return [line(undefined, event.message, lvl, lvl === 'debug' || lvl === 'info' ? 'chatter' : 'key')];
    default:
      return undefined;
  }
}

/** The log lines of a stopped task's container, under the task's line. */
function logLines(subject: string | undefined, task: StoppedTaskInfo, indent: string, level: EventLevel): EventLine[] {
  return task.logs ? describeContainerLogs(task.logs).map((text) => line(subject, `${indent}${text}`, level, 'key')) : [];
}

/**
 * A generic line for an event type this version does not know. Prints only the type and the fields every event of
 * ours uses for a subject and a message: never the whole payload (it could be large, or new and unreviewed).
 */
export function describeUnknownEvent(event: { type?: unknown; level?: unknown; service?: unknown; message?: unknown }): EventLine {
  const type = typeof event.type === 'string' ? event.type : 'event';
  const subject = typeof event.service === 'string' ? event.service : undefined;
  const message = typeof event.message === 'string' ? `: ${event.message}` : '';
  const level = (['debug', 'info', 'warn', 'error', 'result'] as const).find((l) => l === event.level) ?? 'info';
  return line(subject, `${type}${message}`, level, 'chatter');
}
