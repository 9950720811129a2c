import { Command, Option } from 'clipanion';
import { renderResolved, selectServices } from '../../manifest/index.js';
import { AwsAccessCommand, overrideOption } from '../base-command.js';
import { ExitCode } from '../exit-codes.js';
import { loadManifestWithLookups } from '../lookups.js';
import { loadManifestForCommand } from '../manifest-options.js';

/** `ecsdeploy render`: the resolved desired state as JSON on stdout. Calls AWS only with --resolve-lookups. */
export class RenderCommand extends AwsAccessCommand {
  static override paths = [['render']];
  static override usage = Command.Usage({
    description: 'Print the resolved desired state as JSON',
    details: `
      Prints what ecsdeploy would deploy, as JSON on stdout: for each service the task definition input with image,
      environment and command overrides applied, the service settings, the desired count, deployment settings and
      the strategy with its settings; then the one-off tasks and scheduled targets. Variables are interpolated and
      the environment overlay is applied. Environment values that are sensitive (marked in \`sensitive:\` or named
      like a secret) are shown as \`(sensitive)\`.

      Lookups (\`\${ssm:...}\`, \`\${tfstate:...}\`, ...) are shown as written and listed under \`lookups\` with
      where they are written. \`--resolve-lookups\` reads them (and resolves pinned image tags to digests), with
      the same AWS options as \`plan\`; a local Terraform state needs no AWS.

      Does not call AWS without --resolve-lookups. Exit 0, or 1 when the manifest is invalid.
    `,
    examples: [
      ['Render the production environment', 'ecsdeploy render --env production'],
      ['Render one service with an image override', 'ecsdeploy render --env staging --service web --image web=shop-web:1.4.2'],
      [
        'Show the final task definition of a service',
        'ecsdeploy render --env production --service web | jq .services[0].taskDefinition.input',
      ],
      ['Read the lookups and pinned images, as plan would', 'ecsdeploy render --env production --resolve-lookups'],
    ],
  });

  images = overrideOption.images();
  desiredCount = overrideOption.desiredCount();
  min = overrideOption.min();
  max = overrideOption.max();
  timeout = overrideOption.timeout();
  resolveLookups = Option.Boolean('--resolve-lookups', false, {
    description: `Read lookups (\${ssm:...}, \${tfstate:...}, ...) and pinned image digests, as plan does (needs AWS, except for local Terraform states)`,
  });

  protected async run(): Promise<number> {
    const manifest = this.resolveLookups
      ? (await loadManifestWithLookups(this)).manifest
      : selectServices(loadManifestForCommand(this), this.services);
    this.context.stdout.write(`${JSON.stringify(renderResolved(manifest), null, 2)}\n`);
    return ExitCode.Ok;
  }
}
