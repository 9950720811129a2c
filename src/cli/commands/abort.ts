import { Command } from 'clipanion';
import type { ApplyOptions } from '../../engine/types.js';
import { noCacheOption } from '../base-command.js';
import { PlannedDeployCommand } from './apply.js';

export class AbortCommand extends PlannedDeployCommand {
  static override paths = [['abort']];
  static override usage = Command.Usage({
    description: 'Roll a canary or blue-green deployment in flight back: traffic to stable (or the original task set) first',
    details: `
      Finds the canaries in flight from the state tags on their canary services (paused, interrupted, or left
      by a run that died), takes the lock, sets the listener rule back to stable 100 / canary 0, reads it back
      until it shows, and only then scales the canary service to 0 and clears its state. The stable service is
      not touched. Works from any machine: it needs the manifest and the AWS account, nothing of the run that
      started the canary.

      A blue-green (CodeDeploy) deployment in flight on the service's group is stopped with StopDeployment
      (autoRollbackEnabled), followed until CodeDeploy has rerouted production traffic to the original task set,
      and read back.
      An ECS-native deployment (ecs-blue-green, ecs-linear, ecs-canary) that ecsdeploy started is rolled back
      by ECS at ecsdeploy's request (ContinueServiceDeployment or StopServiceDeployment ROLLBACK), followed until
      traffic is back on the old revision. See docs/blue-green.md.

      Exit codes: 1 aborted (the release did not ship; the output says whether traffic is verified back on
      stable); 130 interrupted. See docs/canary.md and docs/blue-green.md.
    `,
    examples: [['Roll the canary of web back', '$0 abort -n web --yes']],
  });

  // No overrides: an abort puts traffic back and scales the canary in; it deploys nothing the manifest describes.
  noCache = noCacheOption();

  override get cache(): boolean {
    return !this.noCache;
  }

  protected continuation(): ApplyOptions['continuation'] {
    return 'abort';
  }

  protected override question(): string {
    return 'Abort the rollout in flight (traffic back to stable or the original task set)?';
  }

  protected async run(): Promise<number> {
    return this.deploy({ concurrency: 4, wait: false });
  }
}
