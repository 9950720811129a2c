import { Command, Option } from 'clipanion';
import * as t from 'typanion';
import type { ApplyOptions } from '../../engine/types.js';
import { noCacheOption, overrideOption } from '../base-command.js';
import { PlannedDeployCommand, WAIT_UNTIL } from './apply.js';

export class PromoteCommand extends PlannedDeployCommand {
  static override paths = [['promote']];
  static override usage = Command.Usage({
    description: 'Approve a paused canary or blue-green deployment and let it go on (or, with --full, promote it now)',
    details: `
      Finds the canaries in flight from the state tags on their canary services (recorded by the apply that
      started them, on any machine), takes the lock, and continues each from its recorded step: the step it
      paused at is approved and the remaining steps run with their gates; after the last, the stable service is
      deployed the new revision, traffic goes back to stable (verified) and the canary is scaled in.
      \`--full\` skips the remaining steps and gates and promotes now. The revision promoted is the one the canary
      runs (recorded in its tags), whatever the manifest says now. Needs the manifest (for the rule, the target
      groups, the steps and the gate).

      A blue-green (CodeDeploy) deployment in flight on the service's group is continued the same way: in its
      ready wait (only test traffic on the new revision), ContinueDeployment READY_WAIT moves production traffic,
      with the production-traffic gate held unless --full; in its termination wait, ContinueDeployment
      TERMINATION_WAIT ends it now. --wait-until traffic-shifted returns once production traffic moved.
      An ECS-native deployment (ecs-blue-green, ecs-linear, ecs-canary) held at ecsdeploy's pause hook is
      continued the same way: the pause is answered CONTINUE and the deployment followed on with its gates
      (\`--full\`: with none). See docs/blue-green.md.

      Exit codes: 0 promoted; 1 failed or rolled back; 3 paused again (another approval step, or a gate that
      paused); 130 interrupted. See docs/canary.md and docs/blue-green.md.
    `,
    examples: [
      ['Approve the paused step of web', '$0 promote -n web --yes'],
      ['Skip the remaining steps and promote now', '$0 promote -n web --full --yes'],
      ['Blue-green: reroute production traffic, return once it moved', '$0 promote -n api --yes --wait-until traffic-shifted'],
    ],
  });

  // The revision is the canary's (recorded in its tags), so no --image; the stable service's deployment at
  // promotion takes the manifest's count, deployment settings and timeout, which these override.
  desiredCount = overrideOption.desiredCount();
  min = overrideOption.min();
  max = overrideOption.max();
  timeout = overrideOption.timeout();
  noCache = noCacheOption();
  full = Option.Boolean('--full', false, { description: 'Skip the remaining steps and gates: promote the canary now' });
  waitUntil = Option.String('--wait-until', {
    validator: t.isEnum(WAIT_UNTIL),
    description:
      'Blue-green: `traffic-shifted` returns once production traffic is all on the new revision; `completed` (default) waits for the deployment to end',
  });

  protected override waitUntilOption(): ApplyOptions['waitUntil'] {
    return this.waitUntil === 'traffic-shifted' ? 'traffic-shifted' : undefined;
  }

  override get cache(): boolean {
    return !this.noCache;
  }

  protected continuation(): ApplyOptions['continuation'] {
    return this.full ? 'promote-full' : 'promote';
  }

  protected override question(): string {
    return this.full ? 'Promote now, skipping the remaining steps and gates?' : 'Approve the paused deployment and go on?';
  }

  protected async run(): Promise<number> {
    return this.deploy({ concurrency: 4, wait: false });
  }
}
