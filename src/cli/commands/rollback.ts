import { Command, Option } from 'clipanion';
import { teeSink } from '../../engine/emitter.js';
import { findRollbackTarget, rollbackService } from '../../engine/rollback.js';
import { AbortError, UsageError } from '../../errors/index.js';
import { MemorySink } from '../../events/types.js';
import type { EventRenderer } from '../../render/events-select.js';
import { shortTaskDefinition } from '../../strategies/names.js';
import { createCommandRuntime } from '../lazy-runtime.js';
import { loadManifestWithLookups } from '../lookups.js';
import { DeployCommand, exitCodeFor, interruptedOr, newRunId } from './apply.js';

export class RollbackCommand extends DeployCommand {
  static override paths = [['rollback']];
  static override usage = Command.Usage({
    description: "put a service back on its previous successful deployment's task definition",
    details: `
      Finds the task definition of the service's previous SUCCESSFUL deployment (not merely revision − 1, which may
      be the one that just failed) and deploys it through the service's strategy, following that deployment to the
      end like \`apply\` does. \`--to\` names the target instead: a revision number of the service's family, or a
      full task definition ARN. A deployment in progress does not block a rollback; another ecsdeploy run does.

      Exit codes: 0 rolled back (or already there); 1 failed; 130 interrupted.
    `,
    examples: [
      ['Roll the web service back to its previous good revision', '$0 rollback --service web --yes'],
      ['Roll back to revision 41 of the family', '$0 rollback -n web --to 41'],
    ],
  });

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
    const memory = new MemorySink();
    let renderer: EventRenderer | undefined;
    let rendererFinished = false;
    try {
      const described = await runtime.ports.ecs.describeServices(
        { cluster: service.cluster, services: [service.service] },
        { signal: context.signal },
      );
      const svc = described.services?.find((s) => s.serviceName === service.service && s.status === 'ACTIVE');
      if (!svc?.taskDefinition)
        throw new UsageError('SERVICE_NOT_FOUND', `service ${service.service} does not exist in cluster ${service.cluster}`);
      const target = await findRollbackTarget(runtime.ports, svc, service.cluster, this.to, context.signal);
      const question = `Roll ${service.key} back from ${shortTaskDefinition(svc.taskDefinition)} to ${shortTaskDefinition(target.taskDefinitionArn)} (${target.source})?`;
      if (!this.yes && !this.dryRun && target.taskDefinitionArn !== svc.taskDefinition) {
        if (!(await this.prompter('rollback needs --yes when not running in a terminal').confirm({ question }))) {
          throw new AbortError('DECLINED', 'rollback cancelled: nothing was changed');
        }
      }
      // Created after the prompt: a live view must not draw over the question.
      renderer = this.createRenderer();
      const result = await rollbackService(
        service,
        {
          ports: runtime.ports,
          sink: teeSink(renderer, memory),
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
      rendererFinished = true;
      await renderer.finish();
      await this.writeStepSummary(memory);
      if (result.outcome === 'no-change' && !this.isJson()) {
        context.stderr.write(`${service.key} already runs ${shortTaskDefinition(svc.taskDefinition)}: nothing to do\n`);
      }
      return exitCodeFor(result);
    } catch (error) {
      throw interruptedOr(error, context.signal);
    } finally {
      if (!rendererFinished && renderer) await renderer.finish();
      await runtime.finish();
    }
  }
}
