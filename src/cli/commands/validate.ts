import { Command } from 'clipanion';
import { loadManifestAll, selectServices } from '../../manifest/index.js';
import { OverridableCommand } from '../base-command.js';
import { ExitCode } from '../exit-codes.js';
import { manifestOptionsOf } from '../manifest-options.js';

/** `ecsdeploy validate`: schema and rules, every environment unless --env picks one. Never calls AWS. */
export class ValidateCommand extends OverridableCommand {
  static override paths = [['validate']];
  static override usage = Command.Usage({
    description: 'Check the manifest without calling AWS',
    details: `
      Checks the manifest against its schema and the rules the schema cannot express (percentages that block a
      rolling update, canary weights, durations, dependsOn cycles, containers named by overrides...), after
      interpolating variables and applying the environment overlay. Without \`--env\` every environment is checked.
      Every problem is printed as \`FILE:LINE:COL: path: message\`.

      Exit 0 when valid (a one-line summary goes to stderr), 1 otherwise. No AWS credentials are needed.
    `,
    examples: [
      ['Check ./ecsdeploy.yaml, every environment', 'ecsdeploy validate'],
      ['Check one environment of another file', 'ecsdeploy validate -f deploy/ecsdeploy.yaml --env production'],
      ['Check with the overrides a pipeline will pass', 'ecsdeploy validate --env staging --var tag=1.4.2 --image web=shop-web:1.4.2'],
    ],
  });

  protected async run(): Promise<number> {
    const loaded = loadManifestAll(manifestOptionsOf(this));
    // A pipeline's --service must name a service too.
    for (const m of loaded) selectServices(m, this.services);
    const first = loaded[0];
    const count = first?.services.length ?? 0;
    const tasks = first?.tasks?.length ?? 0;
    const envs = loaded.map((m) => m.environment).filter((e): e is string => e !== undefined);
    const where = envs.length === 0 ? '' : envs.length === 1 ? `, environment ${envs[0]}` : `, environments ${envs.join(', ')}`;
    const what = `${count} service${count === 1 ? '' : 's'}${tasks > 0 ? `, ${tasks} task${tasks === 1 ? '' : 's'}` : ''}`;
    this.context.stderr.write(`${first?.file ?? 'manifest'}: valid (${what}${where})\n`);
    return ExitCode.Ok;
  }
}
