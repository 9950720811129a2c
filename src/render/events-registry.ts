/**
 * The table of event types: what each means and what its payload carries. `--format json` makes these public API,
 * so the table is typed as a `Record` over every `EngineEvent['type']`: adding an event type without describing it
 * here fails the typecheck. `docs/events.md` is generated from this table (a test keeps the two equal).
 */
import type { EngineEventType } from '../events/types.js';

export interface EventDoc {
  description: string;
  /** Usual level(s). */
  level: string;
  /** Payload field → `type — meaning` (beyond `time`, `level` and `type`, which every event has). */
  fields: Record<string, string>;
}

const STOPPED_TASK =
  '`{ taskArn, taskDefinitionArn, stoppedReason?, stopCode?, containers: { name, exitCode?, reason? }[], logs? }` (from ECS DescribeTasks); `logs`: `{ container, group?, stream?, lines: string[], truncated?, missing? }`, the last lines (at most 20, 4 KiB) the container that stopped the task printed to CloudWatch Logs (awslogs), redacted, or in `missing` why there are none';

export const EVENT_REGISTRY: Record<EngineEventType, EventDoc> = {
  'plan.computed': {
    description: 'The plan was built from the manifest and live state.',
    level: 'info',
    fields: { plan: '`Plan` — the full plan value (same shape as `ecsdeploy plan --out`), redacted' },
  },
  'apply.started': {
    description: 'An apply (or a dry run) began.',
    level: 'info',
    fields: {
      runId: 'string — identifies this run in logs and notifications',
      services: 'string[] — manifest keys of the services the run will handle, in order',
      tasks: 'string[]? — keys of the task-only families (`tasks:`) the run registers a revision of or moves the targets of',
      dryRun: 'boolean — true under `--dry-run`: nothing is changed',
    },
  },
  'apply.finished': {
    description: 'The apply ended; carries the verdict for the run and for each service.',
    level: 'info, error (failed), warn (interrupted)',
    fields: {
      runId: 'string',
      outcome: '`succeeded` | `failed` | `interrupted` | `no-change` | `paused` (a canary awaits approval: exit code 3)',
      durationMs: 'number — wall time of the run, by the engine clock',
      services: '`{ key, outcome, taskDefinitionArn?, reason? }[]` — `outcome` is a service outcome (see `service.finished`)',
    },
  },
  'aws.call': {
    description: 'An AWS call: announced under --dry-run (mutating calls, info) or made (debug, shown with --verbose).',
    level: 'info (dry run), debug',
    fields: {
      service: 'string — e.g. `ECS`, `CodeDeploy`',
      operation: 'string — e.g. `UpdateService`',
      mutating: 'boolean — the call changes AWS state',
      dryRun: 'boolean — the call was not made',
      summary: 'string — what it acts on, e.g. `prod/web`',
    },
  },
  'oneoff.started': {
    description: 'A one-off task (e.g. a migration) was started with RunTask.',
    level: 'info',
    fields: { name: 'string — the task name from the manifest', taskArn: 'string', taskDefinitionArn: 'string' },
  },
  'oneoff.finished': {
    description: 'A one-off task stopped; `failed` when it did not start or an essential container exited non-zero.',
    level: 'info, error (failed)',
    fields: {
      name: 'string',
      taskArn: 'string | undefined — absent when RunTask itself failed',
      outcome: '`succeeded` | `failed`',
      reason: 'string? — why it failed',
      task: `StoppedTaskInfo? — ${STOPPED_TASK}`,
    },
  },
  'oneoff.log': {
    description:
      "A line a one-off task's container printed (awslogs driver, read from CloudWatch Logs), streamed while `ecsdeploy run` waits.",
    level: 'info',
    fields: {
      name: 'string — the task (manifest key) being run',
      taskArn: 'string',
      container: 'string',
      at: 'string — ISO time of the log event',
      message: 'string — the line, redacted',
    },
  },
  'run.finished': {
    description:
      '`ecsdeploy run` ended: exit code 0 when every essential container exited 0 (`succeeded`), 1 otherwise (`failed`), 130 when interrupted (the task was stopped); `started` with --no-wait.',
    level: 'info, error (failed), warn (interrupted)',
    fields: {
      name: 'string — the service or task key whose task definition ran',
      outcome: '`succeeded` | `failed` | `interrupted` | `started`',
      taskArn: 'string? — absent when no task started',
      taskDefinitionArn: 'string? — the revision the task ran',
      reason: 'string? — why it failed or was stopped',
      task: `StoppedTaskInfo? — each container's exit code and the stop reason: ${STOPPED_TASK}`,
      durationMs: 'number — from RunTask to STOPPED, by the engine clock',
    },
  },
  'taskdef.registered': {
    description: 'A new task definition revision was registered (only when the desired one differs from the live one).',
    level: 'info',
    fields: {
      service: 'string — manifest key (of a service, or of a task under `tasks:`)',
      taskDefinitionArn: 'string',
      task: 'boolean? — `true` when the revision is of a task-only family (`tasks:`)',
    },
  },
  'service.started': {
    description: 'Deployment of a service began.',
    level: 'info',
    fields: {
      service: 'string — manifest key',
      strategy: "string — the manifest's `strategy.type`: `rolling`, `canary`, `blue-green`, `ecs-blue-green`, `ecs-linear`, `ecs-canary`",
      fromTaskDefinition: 'string | undefined — the revision running before (undefined for a new service)',
      toTaskDefinition: 'string — the revision being deployed',
      deploymentId: 'string? — the ECS deployment (`ecs-svc/...`) or CodeDeploy deployment id the engine follows',
    },
  },
  'service.phase': {
    description: 'A service entered a phase, e.g. `updating`, `waiting`, `shifting-traffic`, `baking`, `rolling-back`.',
    level: 'info',
    fields: { service: 'string', phase: 'string', detail: 'string? — free text about the phase' },
  },
  'service.progress': {
    description: 'Task counts of the deployment being followed, on each poll.',
    level: 'info',
    fields: {
      service: 'string',
      running: 'number',
      pending: 'number',
      desired: 'number',
      rolloutState: 'string? — `IN_PROGRESS` | `COMPLETED` | `FAILED` (ECS rolling deployments)',
      deploymentId: 'string?',
    },
  },
  'service.event': {
    description: 'An ECS service event (or CodeDeploy lifecycle event) that appeared during the deployment, emitted once.',
    level: 'info, warn',
    fields: { service: 'string', at: 'string — ISO time AWS recorded for the event', message: 'string — as AWS wrote it' },
  },
  'service.finished': {
    description: 'Deployment of a service ended.',
    level: 'info, error (failed/rolled-back/timed-out), warn (interrupted/skipped/paused)',
    fields: {
      service: 'string',
      outcome:
        '`succeeded` | `unchanged` | `failed` | `rolled-back` | `timed-out` | `interrupted` | `skipped` | `paused` (a canary stopped for a person to promote or abort it: not a failure, exit code 3)',
      durationMs: 'number',
      taskDefinitionArn: 'string? — the revision the service runs now (after a rollback: the previous one)',
      reason: 'string? — e.g. the deployment `rolloutStateReason`',
      stoppedTasks: `StoppedTaskInfo[]? — tasks of the new revision that stopped: ${STOPPED_TASK}`,
    },
  },
  'traffic.shifted': {
    description: 'Load balancer traffic weights changed (canary steps, blue-green and ECS-native traffic shifts).',
    level: 'info',
    fields: { service: 'string', weights: 'Record<string, number> — target (group) name → percent', step: 'number? — canary step index' },
  },
  'gate.evaluated': {
    description:
      'A gate evaluated every check while a step held (canary step, blue-green or ECS-native test or production traffic): the evidence, one event per evaluation (docs/gates.md).',
    level: 'info (pass), warn (inconclusive), error (fail)',
    fields: {
      service: 'string',
      step: 'number? — canary step number (1-based, as listed in the manifest)',
      gate: "string? — `canary`; blue-green's `test-traffic` / `production-traffic`; ECS-native's `test-traffic` / `production`",
      evaluation: 'number? — 1-based, within the hold',
      window: '`{ from, to }`? — ISO times of the metric window judged, [from, to); absent when the gate has no metric checks',
      outcome: '`pass` | `fail` | `inconclusive` — fail if any check failed, else inconclusive if any was',
      checks:
        '`{ name, outcome, detail?, kind?, value?, threshold?: { min?, max? }, baseline?: { value?, maxIncrease?, maxRatio? }, samples?: { name, value, min }[], noData?, fatal?, state? }[]` — one per alarm, metric check and task check that reported; `detail` says why in one line',
      counts: '`{ passed, failed, inconclusive }`? — evaluations of this hold so far',
      decision: '`continue` | `pass` | `fail` | `pause` — what the policy made of it (anything but `continue` ends the hold)',
    },
  },
  'gate.finished': {
    description:
      'A gate hold ended with its verdict: go on (`pass`), undo (`fail`), or stop the run for a person to decide (`pause`, exit code 3).',
    level: 'info (pass), warn (pause), error (fail)',
    fields: {
      service: 'string',
      step: 'number? — canary step number (1-based, as listed in the manifest)',
      gate: "string? — `canary`; blue-green's `test-traffic` / `production-traffic`; ECS-native's `test-traffic` / `production`",
      verdict: '`pass` | `fail` | `pause`',
      reason: 'string — e.g. `2 failed evaluations, more than failureLimit 1 (last: error-rate: 20 > max 5)`',
      evaluations: 'number — evaluations made during the hold',
      counts: '`{ passed, failed, inconclusive }`',
      durationMs: 'number — how long the hold lasted, by the engine clock',
    },
  },
  'canary.step': {
    description: 'A canary step ended: the weight it held, as read back from the load balancer, and the gate verdict (docs/canary.md).',
    level: 'info (pass, approval), warn (pause), error (fail)',
    fields: {
      service: 'string',
      step: 'number — 1-based, as listed in the manifest',
      weight: "number — the canary's share of the traffic, in percent",
      weights: 'Record<string, number> — target group name → relative weight, as read back with DescribeRules / DescribeListeners',
      verdict: '`pass` | `fail` | `pause` | `approval` — `approval`: an until-approved step, where the run stops',
      reason: "string? — the gate's reason",
    },
  },
  'canary.paused': {
    description: 'A canary stopped for a person: an until-approved step, or a gate that paused. The run exits with code 3.',
    level: 'warn',
    fields: {
      service: 'string',
      step: 'number',
      weight: 'number — the share the canary keeps while paused',
      runId: 'string — the run that paused it (recorded on the canary service)',
      reason: 'string',
      next: 'string[] — the commands that move it on: `ecsdeploy promote -n <service>`, `ecsdeploy abort -n <service>`',
    },
  },
  'canary.promoted': {
    description: 'The stable service runs the new revision, all traffic is back on it (verified), the canary is scaled in.',
    level: 'info',
    fields: { service: 'string', taskDefinitionArn: 'string — the revision promoted', steps: 'number — steps in the manifest' },
  },
  'canary.aborted': {
    description:
      'A canary was undone: traffic back to stable 100 / canary 0, read back, and only then the canary scaled in. Carries the evidence when a gate decided.',
    level: 'error, warn (interrupt)',
    fields: {
      service: 'string',
      step: 'number — the step it was at (0: before the first weight was set)',
      weight: "number — the canary's share when the abort began",
      trigger: '`gate` | `timeout` | `command` (`ecsdeploy abort`) | `interrupt` (Ctrl-C) | `failure` (a deployment or an AWS call)',
      reason: 'string — what happened and what was undone',
      checks: 'GateCheckEvidence[]? — the failing checks of the deciding evaluation (see `gate.evaluated`)',
      trafficRestored: 'boolean — the weights read back as stable 100 / canary 0',
      scaledIn: 'boolean — the canary service was scaled to 0 (never before trafficRestored)',
    },
  },
  'codedeploy.lifecycle': {
    description:
      'A lifecycle event of a blue-green (CodeDeploy) deployment changed status (BeforeInstall … AfterAllowTraffic), once per change; a failed one carries its diagnostics.',
    level: 'info, error (Failed)',
    fields: {
      service: 'string',
      deploymentId: 'string — the CodeDeploy deployment (`d-...`)',
      event: 'string — the lifecycle event, as CodeDeploy names it (an open set)',
      status: 'string — `InProgress`, `Succeeded`, `Failed`, `Skipped`... as CodeDeploy reports it',
      diagnostics: '`{ errorCode?, scriptName?, message? }`? — why it failed (the Lambda hook and what it said)',
    },
  },
  'codedeploy.paused': {
    description:
      'A blue-green deployment waits for a person (exit code 3): the replacement runs with only test traffic until `ecsdeploy promote` (or `abort`).',
    level: 'warn',
    fields: {
      service: 'string',
      deploymentId: 'string',
      wait: '`ready` (before production traffic moves) | `termination` (production moved; the original task set kept)',
      runId: 'string — the run that paused it',
      reason: 'string — the approval asked for, or why the gate paused',
      next: 'string[] — the commands that move it on',
    },
  },
  'codedeploy.stopped': {
    description:
      'A blue-green deployment ended without shipping: stopped with rollback by ecsdeploy (gate, timeout, abort, Ctrl-C, onFailure), or failed or stopped by CodeDeploy. Carries the evidence when a gate decided.',
    level: 'error, warn (interrupt)',
    fields: {
      service: 'string',
      deploymentId: 'string',
      trigger:
        '`gate` | `timeout` | `command` (`ecsdeploy abort` / `rollback`) | `interrupt` (Ctrl-C) | `failure` (onFailure) | `codedeploy` (CodeDeploy ended it: a hook, its alarms, its ready wait)',
      reason: 'string — what happened, the failed lifecycle event, and what was undone',
      checks: 'GateCheckEvidence[]? — the failing checks of the deciding evaluation (see `gate.evaluated`)',
      trafficRestored: 'boolean — production traffic read back all on the original task set, PRIMARY again',
      productionWeight: 'number — the most production traffic the replacement carried, in percent (0: production never saw it)',
    },
  },
  'ecs-native.stage': {
    description:
      'An ECS-native deployment (ecs-blue-green, ecs-linear, ecs-canary) moved on: a new lifecycle stage, status or requested traffic weights, as DescribeServiceDeployments reports them (docs/blue-green.md).',
    level: 'info',
    fields: {
      service: 'string',
      serviceDeployment: 'string — the service deployment ARN',
      status: 'string — `PENDING`, `IN_PROGRESS`, `SUCCESSFUL`, `ROLLBACK_IN_PROGRESS`, ... (passed on as ECS says it)',
      stage: 'string — the lifecycle stage, e.g. `POST_TEST_TRAFFIC_SHIFT` (passed on as ECS says it)',
      testWeight: "number? — the new revision's requested share of test traffic, in percent",
      productionWeight: "number? — the new revision's requested share of production traffic, in percent",
    },
  },
  'ecs-native.hold': {
    description:
      "ecsdeploy answered one of its pause hooks of an ECS-native deployment: continue, roll back (ContinueServiceDeployment ROLLBACK), or hold for a person. Carries the gate's evidence when a gate decided.",
    level: 'info, error (rollback), warn (pause)',
    fields: {
      service: 'string',
      stage: 'string — `POST_TEST_TRAFFIC_SHIFT`, `PRE_PRODUCTION_TRAFFIC_SHIFT` or `POST_PRODUCTION_TRAFFIC_SHIFT`',
      productionWeight: "number — the new revision's share of production traffic at the pause",
      step: 'number? — the production step about to be taken (1-based)',
      gate: 'string? — `test-traffic` or `production`, when a gate decided',
      decision: '`continue` | `rollback` | `pause`',
      reason: 'string',
      checks: 'GateCheckEvidence[]? — the failing checks of the deciding evaluation (see `gate.evaluated`)',
    },
  },
  'ecs-native.paused': {
    description:
      "An ECS-native deployment waits at ecsdeploy's pause hook for a person (exit code 3): `ecsdeploy promote` or `ecsdeploy abort`.",
    level: 'warn',
    fields: {
      service: 'string',
      stage: 'string — the lifecycle stage it waits at',
      runId: 'string — the run that started it',
      reason: 'string',
      expiresAt: 'string? — when ECS rolls it back if nobody decided (ISO time)',
      next: 'string[] — the commands that move it on',
    },
  },
  'scheduled-target.updated': {
    description: 'An EventBridge scheduled task target was moved to the new task definition revision.',
    level: 'info',
    fields: { rule: 'string — EventBridge rule name', targetId: 'string', from: 'string — previous task definition ARN', to: 'string' },
  },
  'step.skipped': {
    description:
      'A step the plan promised did not happen, and why: a one-off task, a scheduled target or the cleanup (services that did not start say so in `service.finished`).',
    level: 'warn',
    fields: {
      step: '`one-off` | `scheduled-target` | `cleanup`',
      name: 'string — the one-off task, the rule and target (`rule nightly (task definition of web)`), or `old revisions`',
      reason: 'string — why, e.g. `web failed`, `interrupted`, `one-off task migrate failed`',
    },
  },
  'revision.deregistered': {
    description: 'An old task definition revision was deregistered (keepRevisions cleanup).',
    level: 'info',
    fields: { taskDefinitionArn: 'string' },
  },
  'notification.sent': {
    description: 'A notification was published to SNS.',
    level: 'info',
    fields: { topicArn: 'string', subject: 'string' },
  },
  log: {
    description: 'A message that fits no other type: progress notes, warnings, engine diagnostics.',
    level: 'debug, info, warn, error',
    fields: { message: 'string — already redacted' },
  },
};

/** docs/events.md, generated from the table so the public description cannot drift from the code. */
export function renderEventsDoc(): string {
  const out: string[] = [
    '# Engine events',
    '',
    '<!-- Generated from src/render/events-registry.ts; edit the table there (test/render/events-registry.test.ts checks this file). -->',
    '',
    'The engine reports everything it does as a stream of events. `--format json` writes them to stdout as NDJSON,',
    'one `JSON.stringify(event)` per line and nothing else on stdout; the text formats (`tty`, `plain`) and the',
    'Markdown step summary are built from the same events.',
    '',
    'The event types and their fields are **public API**: a type is never renamed or removed and a field never changes',
    'meaning; new types and new optional fields may appear, so consumers should ignore types they do not know.',
    '',
    'Every event has:',
    '',
    '| field | meaning |',
    '| --- | --- |',
    '| `type` | one of the types below |',
    '| `time` | ISO 8601 time from the engine clock (simulated time under the sandbox) |',
    '| `level` | `debug` \\| `info` \\| `warn` \\| `error` \\| `result`; `debug` events appear only with `--verbose` |',
    '',
    'Values AWS returns may appear in messages; values the manifest marks sensitive (and environment variables whose',
    'names look secret) are redacted by the engine before an event is emitted.',
    '',
    'For example, two lines of `ecsdeploy apply --format json`:',
    '',
    '```json',
    '{"time":"2026-11-22T10:00:10.000Z","level":"info","type":"service.progress","service":"web","running":0,"pending":2,"desired":2,"rolloutState":"IN_PROGRESS","deploymentId":"ecs-svc/1111"}',
    '{"time":"2026-11-22T10:02:11.000Z","level":"info","type":"service.finished","service":"web","outcome":"succeeded","durationMs":129000,"taskDefinitionArn":"arn:aws:ecs:eu-west-1:123456789012:task-definition/web:42"}',
    '```',
    '',
    '## Types',
    '',
    '| type | level | description |',
    '| --- | --- | --- |',
  ];
  const entries = Object.entries(EVENT_REGISTRY) as [EngineEventType, EventDoc][];
  for (const [type, doc] of entries) out.push(`| [\`${type}\`](#${type.replace(/\./g, '')}) | ${doc.level} | ${doc.description} |`);
  for (const [type, doc] of entries) {
    out.push('', `### \`${type}\``, '', doc.description, '', `Level: ${doc.level}.`, '', '| field | type — meaning |', '| --- | --- |');
    for (const [name, meaning] of Object.entries(doc.fields)) out.push(`| \`${name}\` | ${meaning.replace(/\|/g, '\\|')} |`);
  }
  out.push(
    '',
    '## Text output',
    '',
    '`--format auto` (the default) draws a live view on an interactive terminal outside CI (and not with `--verbose`);',
    'otherwise it writes the plain log. Both write progress to **stderr** and the final per-service summary to',
    '**stdout**. The plain log is `HH:MM:SS service: message` with the event time in UTC.',
    '',
    'Under GitHub Actions (`GITHUB_ACTIONS=true`) the plain log folds the detail of a service deploying alone',
    '(service events, progress, phases) into `::group::deploy <service>`; while services deploy in parallel their',
    'detail stays at the top level, because groups cannot interleave. Milestones (started, finished, failures,',
    'warnings) always stay at the top level. Failures also become `::error::` annotations (with stopped-task reasons',
    'and exit codes) and interruptions `::warning::` annotations, printed with the summary.',
    '',
  );
  return out.join('\n');
}
