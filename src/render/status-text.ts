/**
 * `ecsdeploy status` as text (stdout: it is the result): per service what runs, how many tasks, the deployments with
 * their rollout state, whether one is in progress, and the latest service events, newest first.
 */
import type { CanaryStatus, CodeDeployStatus, DeploymentStatus, EcsNativeStatus, ServiceStatusReport } from '../model/status.js';
import { type Colors, createColors } from './ansi.js';
import { revisionName } from './events-names.js';
import { formatDateTime } from './time-format.js';

export interface StatusTextOptions {
  color: boolean;
  /** How many service events to show per service (default 5). */
  events?: number;
}

function counts(running: number, desired: number, pending: number): string {
  return `${running}/${desired} running${pending > 0 ? `, ${pending} pending` : ''}`;
}

function rolloutColour(state: string | undefined, c: Colors): (text: string) => string {
  if (state === 'FAILED') return c.red;
  if (state === 'IN_PROGRESS') return c.yellow;
  if (state === 'COMPLETED') return c.green;
  return (text) => text;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function deploymentLines(deployments: DeploymentStatus[], c: Colors): string[] {
  const rows = deployments.map((d) => ({
    d,
    cells: [d.status, d.id, d.rolloutState ?? '-', counts(d.running, d.desired, d.pending), revisionName(d.taskDefinitionArn)],
  }));
  const widths = [0, 1, 2, 3].map((i) => Math.max(0, ...rows.map((r) => (r.cells[i] as string).length)));
  const out: string[] = [];
  for (const { d, cells } of rows) {
    const [status, id, rollout, count, rev] = cells as [string, string, string, string, string];
    const since = d.updatedAt ?? d.createdAt;
    const parts = [
      pad(status, widths[0] as number),
      pad(id, widths[1] as number),
      rolloutColour(d.rolloutState, c)(pad(rollout, widths[2] as number)),
      pad(count, widths[3] as number),
      rev,
    ];
    out.push(`    ${parts.join('  ')}${since ? c.dim(`  updated ${formatDateTime(since)}`) : ''}`);
    // The reason matters when it says something beyond "in progress"/"completed": show it for failures always.
    if (d.rolloutStateReason && (d.rolloutState === 'FAILED' || d.status === 'PRIMARY')) {
      out.push(`      ${d.rolloutState === 'FAILED' ? c.red(d.rolloutStateReason) : c.dim(d.rolloutStateReason)}`);
    }
  }
  return out;
}

function canaryLines(canary: CanaryStatus, c: Colors): string[] {
  const weights = canary.weights
    ? Object.entries(canary.weights)
        .map(([name, w]) => `${name} ${w}`)
        .join(' / ')
    : `unreadable (${canary.weightsError ?? 'unknown'})`;
  if (!canary.phase) return [`  canary ${canary.service}: none in flight; rule weights ${weights}`];
  const lines = [`  ${c.yellow(`canary ${canary.service}: ${canary.state}`)} (run ${canary.runId}); rule weights ${weights}`];
  if (canary.verdict) lines.push(`    last verdict: ${canary.verdict}`);
  for (const command of canary.next ?? []) lines.push(`    next: ${command}`);
  return lines;
}

const EVENT_MARK: Record<string, string> = { Succeeded: '✓', Failed: '✗', InProgress: '…', Skipped: '-', Pending: '·' };

function codeDeployLines(cd: CodeDeployStatus, c: Colors): string[] {
  const group = `${cd.application}/${cd.deploymentGroup}`;
  if (cd.error) return [`  CodeDeploy ${group}: ${c.red(`unreadable (${cd.error})`)}`];
  const d = cd.deployment;
  if (!d) return [`  CodeDeploy ${group}: no deployment yet`];
  const head = `CodeDeploy ${group}: deployment ${d.id} ${d.status}${d.inFlight ? ` (${d.stage})` : ''}${d.runId ? `, run ${d.runId}` : ''}`;
  const lines = [`  ${d.inFlight ? c.yellow(head) : d.status === 'Succeeded' ? head : c.red(head)}`];
  if (d.error) lines.push(`    ${c.red(d.error)}`);
  if (d.lifecycle.length > 0) {
    lines.push(`    lifecycle: ${d.lifecycle.map((e) => `${e.name} ${EVENT_MARK[e.status] ?? e.status}`).join(', ')}`);
    for (const e of d.lifecycle.filter((x) => x.diagnostics)) lines.push(`      ${c.red(`${e.name}: ${e.diagnostics}`)}`);
  }
  if (d.taskSets.length > 0) {
    const sets = d.taskSets.map((t) => `${t.label} ${t.targetGroup} ${t.weight}% (${t.running}/${t.desired} running, ${t.status})`);
    lines.push(`    traffic: ${sets.join(' · ')}`);
  }
  for (const command of cd.next ?? []) lines.push(`    next: ${command}`);
  return lines;
}

/** An ECS-native service deployment: status, stage, green's requested weights, whose pause holds it, what moves it on. */
function ecsNativeLines(n: EcsNativeStatus, c: Colors): string[] {
  if (n.error) return [`  service deployment: ${c.red(`unreadable (${n.error})`)}`];
  const d = n.deployment;
  if (!d) return ['  service deployment: none yet'];
  if (!d.inFlight) {
    const head = `service deployment ${d.status} (no deployment in flight)`;
    return [`  ${d.status === 'SUCCESSFUL' ? head : c.red(head)}`, `    ${c.dim(d.arn)}`];
  }
  const lines = [c.yellow(`  service deployment ${d.status}${d.stage ? ` at ${d.stage}` : ''}${d.runId ? `, run ${d.runId}` : ''}`)];
  lines.push(`    ${c.dim(d.arn)}`);
  if (d.targetRevision) lines.push(`    target: ${revisionName(d.targetRevision)}`);
  const weights = [
    ...(d.testWeight !== undefined ? [`test ${d.testWeight}%`] : []),
    ...(d.productionWeight !== undefined ? [`production ${d.productionWeight}%`] : []),
  ];
  if (weights.length > 0) lines.push(`    green's requested traffic: ${weights.join(', ')}`);
  if (d.statusReason) lines.push(`    reason: ${d.statusReason}`);
  if (d.pause) {
    const owner = d.pause.ours ? `ecsdeploy's pause (run ${d.pause.runId})` : "someone else's pause hook (not ecsdeploy's)";
    const until = d.pause.expiresAt ? `, until ${formatDateTime(d.pause.expiresAt)}` : '';
    lines.push(c.yellow(`    awaiting action: ${owner}${until}`));
  }
  for (const command of n.next ?? []) lines.push(`    next: ${command}`);
  return lines;
}

export function renderStatusText(reports: ServiceStatusReport[], options: StatusTextOptions): string {
  const c = createColors(options.color);
  const maxEvents = options.events ?? 5;
  const blocks: string[] = [];
  for (const r of reports) {
    const lines: string[] = [];
    const where = `${r.service} in cluster ${r.cluster}`;
    if (!r.found) {
      blocks.push(`${c.bold(r.key)}  ${c.red('not found')}  ${c.dim(`(service ${where})`)}\n`);
      continue;
    }
    const controller = r.deploymentController && r.deploymentController !== 'ECS' ? `, ${r.deploymentController} controller` : '';
    lines.push(`${c.bold(r.key)}  ${r.status ?? 'UNKNOWN'}  ${c.dim(`(service ${where}, ${r.strategy}${controller})`)}`);
    lines.push(`  revision ${c.bold(r.revision ?? revisionName(r.taskDefinitionArn))}, tasks ${counts(r.running, r.desired, r.pending)}`);
    const active = r.deployments.find((d) => d.rolloutState === 'IN_PROGRESS');
    if (r.inProgress) {
      lines.push(
        `  ${c.yellow('deployment in progress')}${active ? `: ${active.id} → ${revisionName(active.taskDefinitionArn)}, ${counts(active.running, active.desired, active.pending)}` : ''}`,
      );
    } else {
      lines.push(`  ${c.green('no deployment in progress')}`);
    }
    if (r.lock) {
      const { runId, expiresAt, expired } = r.lock;
      lines.push(
        expired
          ? `  lock: run ${runId}, ${c.dim(`expired ${formatDateTime(expiresAt)}`)} (it blocks nothing; \`ecsdeploy unlock\` removes it)`
          : `  ${c.yellow('locked')} by ecsdeploy run ${runId} until ${formatDateTime(expiresAt)} (if that run died: \`ecsdeploy unlock --run ${runId}\`)`,
      );
    }
    if (r.canary) lines.push(...canaryLines(r.canary, c));
    if (r.codedeploy) lines.push(...codeDeployLines(r.codedeploy, c));
    if (r.ecsNative) lines.push(...ecsNativeLines(r.ecsNative, c));
    if (r.deployments.length > 0) {
      lines.push('  deployments:');
      lines.push(...deploymentLines(r.deployments, c));
    }
    const events = r.events.slice(0, maxEvents);
    if (events.length > 0) {
      lines.push(`  latest events (newest first):`);
      for (const e of events) lines.push(`    ${c.dim(formatDateTime(e.at))}  ${e.message}`);
    }
    blocks.push(`${lines.join('\n')}\n`);
  }
  return blocks.join('\n');
}
