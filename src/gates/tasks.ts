/**
 * Task checks: one-off ECS tasks (e.g. a smoke test against the canary) started once when a hold starts, all at
 * once, through the runner the engine hands in. Exit code 0 passes; anything else — another exit code, a task that
 * never ran, a timeout — fails the gate at once: a one-shot test cannot be retried by waiting, so failureLimit does
 * not apply. Each result joins the first evaluation after it arrives (and only that one), and the hold cannot pass
 * before every task check has reported. When the hold ends early, tasks still running are stopped (their signal
 * aborts).
 */
import type { GateTaskCheck } from '../model/strategy.js';
import type { Clock } from '../util/clock.js';
import type { GateCheckEvidence, OneOffRunner, OneOffTaskResult } from './types.js';

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function evidenceOf(task: GateTaskCheck, result: OneOffTaskResult): GateCheckEvidence {
  const base: GateCheckEvidence = { name: task.name, kind: 'task', outcome: 'fail', fatal: true };
  const reason = result.stopReason ? ` (${result.stopReason})` : '';
  if (result.exitCode === 0) return { name: task.name, kind: 'task', outcome: 'pass', value: 0, detail: 'exit code 0' };
  if (result.exitCode === undefined) return { ...base, detail: `the task did not run to an exit code${reason}` };
  return { ...base, value: result.exitCode, detail: `exit code ${result.exitCode}${reason}` };
}

export class TaskChecks {
  private readonly unreported: GateCheckEvidence[] = [];
  private running = 0;
  private readonly stop = new AbortController();

  /** Starts every task; `signal` is the hold's. */
  constructor(tasks: readonly GateTaskCheck[], runner: OneOffRunner | undefined, clock: Clock, signal: AbortSignal) {
    if (tasks.length && !runner) throw new Error('the gate has task checks but no one-off task runner was given');
    const onAbort = () => this.stop.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    for (const task of tasks) {
      this.running += 1;
      void this.runOne(task, runner as OneOffRunner, clock).finally(() => {
        this.running -= 1;
        if (this.running === 0) signal.removeEventListener('abort', onAbort);
      });
    }
  }

  private async runOne(task: GateTaskCheck, runner: OneOffRunner, clock: Clock): Promise<void> {
    const own = new AbortController();
    const stopOwn = () => own.abort(this.stop.signal.reason);
    this.stop.signal.addEventListener('abort', stopOwn, { once: true });
    const timer = new AbortController();
    const timedOut = clock.sleep(task.timeoutMs, timer.signal).then(
      () => 'timeout' as const,
      () => 'cancelled' as const,
    );
    const spec = {
      name: task.name,
      taskDefinitionOf: task.taskDefinitionOf,
      timeoutMs: task.timeoutMs,
      ...(task.command && { command: task.command }),
      ...(task.container && { container: task.container }),
      ...(task.environment && { environment: task.environment }),
    };
    const ran = runner.run(spec, own.signal).then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    );
    const first = await Promise.race([ran, timedOut]);
    timer.abort();
    this.stop.signal.removeEventListener('abort', stopOwn);
    if (this.stop.signal.aborted) return;
    if (first === 'timeout') {
      own.abort(new Error('timed out'));
      const secs = Math.round(task.timeoutMs / 1000);
      this.unreported.push({
        name: task.name,
        kind: 'task',
        outcome: 'fail',
        fatal: true,
        detail: `did not finish within ${secs}s; stopped`,
      });
      return;
    }
    if (first === 'cancelled') return;
    this.unreported.push(
      'result' in first
        ? evidenceOf(task, first.result)
        : { name: task.name, kind: 'task', outcome: 'fail', fatal: true, detail: `could not run: ${message(first.error)}` },
    );
  }

  /** Results that arrived since the last call. */
  take(): GateCheckEvidence[] {
    return this.unreported.splice(0);
  }

  /** Some task check has not reported yet (running, or finished but not taken). */
  pending(): boolean {
    return this.running > 0 || this.unreported.length > 0;
  }

  /** Stops tasks still running (the hold ended). */
  close(): void {
    if (!this.stop.signal.aborted) this.stop.abort(new Error('the gate hold ended'));
  }
}
