import { Command, Option } from 'clipanion';
import { findRollbackTarget, inFlightRollbackTarget, readServiceToRollBack, rollbackService } from '../../engine/rollback.js';
import { AbortError, UsageError } from '../../errors/index.js';
import { shortTaskDefinition } from '../../util/arn.js';
import { createCommandRuntime } from '../lazy-runtime.js';
import { loadManifestWithLookups } from '../lookups.js';
import { DeferredRenderer } from '../deferred-renderer.js';
import { overrideOption } from '../base-command.js';
import { DeployCommand, exitCodeFor, interruptedOr, newRunId } from '../deploy-command.js';

export class RollbackCommand extends DeployCommand {
  static override paths = [['rollback']];
  static override usage = Command.Usage({
    description: "Put a service back on its previous successful deployment's task definition",
    details: `
      Finds the task definition of the service's previous SUCCESSFUL deployment (not merely revision − 1, which may
      be the one that just failed) and deploys it through the service's strategy, following that deployment to the
      end like \`apply\` does. \`--to\` names the target instead: a revision number of the service's family, or a
      full task definition ARN. A deployment in progress does not block a rollback; another ecsdeploy run does.
      A blue-green (CodeDeploy) service with a deployment in flight is rolled back by stopping that deployment with
      rollback; after a successful one, the previous successful revision is deployed through CodeDeploy, without
      its gates.

      Exit codes: 0 rolled back (or already there); 1 failed; 130 interrupted.
    `,
    examples: [
      ['Roll the web service back to its previous good revision', '$0 rollback --service web --yes'],
      ['Roll back to revision 41 of the family', '$0 rollback -n web --to 41'],
    ],
  });

  timeout = overrideOption.timeout();
  to = Option.String('--to', { description: 'Target: a revision number of the service family, or a full task definition ARN' });

  protected async run(): Promise<number> {
    const { context } = this;
    const { manifest } = await loadManifestWithLookups(this, { pin: false });
    if (manifest.services.length !== 1) {
      throw new UsageError('ROLLBACK_NEEDS_ONE_SERVICE', `rollback works on one service; ${manifest.services.length} are selected`, {
        hint: `name it with --service (one of: ${manifest.services.map((s) => s.key).join(', ')})`,
      });
    }
    const service = manifest.services[0] as (typeof manifest.services)[number];
    const runtime = await createCommandRuntime(this, manifest);
    const output = new DeferredRenderer(() => this.createRenderer());
    try {
      const svc = await readServiceToRollBack(runtime.ports, service, context.signal);
      const target =
        (this.to ? undefined : await inFlightRollbackTarget(runtime.ports, service, svc, context.signal)) ??
        (await findRollbackTarget(runtime.ports, svc, service.cluster, this.to, context.signal));
      const question = target.stopsInFlight
        ? `Roll ${service.key} back: ${target.source}?`
        : `Roll ${service.key} back from ${shortTaskDefinition(svc.taskDefinition)} to ${shortTaskDefinition(target.taskDefinitionArn)} (${target.source})?`;
      if (!this.yes && !this.dryRun && (target.taskDefinitionArn !== svc.taskDefinition || target.stopsInFlight)) {
        if (!(await this.prompter('rollback needs --yes when not running in a terminal').confirm({ question }))) {
          throw new AbortError('DECLINED', 'rollback cancelled: nothing was changed');
        }
      }
      // Started after the prompt: a live view must not draw over the question.
      output.start();
      const result = await rollbackService(
        service,
        {
          ports: runtime.ports,
          sink: output.sink,
          clock: runtime.clock,
          signal: context.signal,
          hardSignal: context.hardSignal,
        },
        {
          target,
          runId: newRunId(runtime.clock),
          force: this.force,
          onInterrupt: this.onInterrupt,
          dryRun: this.dryRun,
        },
      );
      await output.finish();
      await this.writeStepSummary(output.memory);
      if (result.outcome === 'no-change' && !this.isJson()) {
        context.stderr.write(`${service.key} already runs ${shortTaskDefinition(svc.taskDefinition)}: nothing to do\n`);
      }
      return exitCodeFor(result);
    } catch (error) {
      throw interruptedOr(error, context.signal);
    } finally {
      await output.close();
      await runtime.finish();
    }
  }
}
