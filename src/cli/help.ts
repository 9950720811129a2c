/**
 * Help that reads well: clipanion writes every option's value as `#0` (`-f,--file #0`); ours are named
 * (`-f,--file FILE`), in the usage line, the option list and usage errors alike. And `ecsdeploy help [COMMAND]`,
 * the form people type first, prints the same as `--help`.
 */
import { Cli, Command, Option } from 'clipanion';
import { UsageError } from '../errors/index.js';
import type { CliContext } from './context.js';
import { presentError } from './present-error.js';

/** The value each option takes, by its long name; others get their long name in capitals (`--seed` → `SEED`). */
const VALUE_NAMES: Record<string, string> = {
  '--file': 'FILE',
  '--env': 'ENV',
  '--var': 'NAME=VALUE',
  '--image': '[CONTAINER=]IMAGE[:TAG]',
  '--desired-count': 'COUNT',
  '--min': 'PERCENT',
  '--max': 'PERCENT',
  '--timeout': 'DURATION',
  '--service': 'SERVICE',
  '--region': 'REGION',
  '--profile': 'PROFILE',
  '--endpoint-url': 'URL',
  '--assume-role-arn': 'ARN',
  '--external-id': 'ID',
  '--aws-access-key': 'KEY_ID',
  '--aws-secret-key': 'SECRET_KEY',
  '--max-attempts': 'N',
  '--scenario': 'FILE',
  '--state': 'FILE',
  '--format': 'FORMAT',
  '--on-interrupt': 'rollback|leave',
  '--plan': 'FILE',
  '--concurrency': 'N',
  '--out': 'FILE',
  '--to': 'REVISION|ARN',
  '--seed': 'FILE',
  '--port': 'PORT',
  '--speed': 'FACTOR',
  '--cluster': 'CLUSTER',
  '--dir': 'DIR',
  '--deployment-group': 'SERVICE=APPLICATION/GROUP',
  '--run': 'RUN_ID',
  '--env-var': 'NAME=VALUE',
  '--container': 'CONTAINER',
  '--wait-until': 'traffic-shifted',
};

/** `-f,--file #0` → `-f,--file FILE` (every `#n` of an option, named after its longest name). */
function nameOptionValues(text: string): string {
  return text.replace(/((?:--?[\w-]+)(?:,--?[\w-]+)*)((?: #\d+)+)/g, (_all, names: string, values: string) => {
    const long = names.split(',').reduce((a, b) => (b.length > a.length ? b : a));
    const name = VALUE_NAMES[long] ?? long.replace(/^-+/, '').replace(/-/g, '_').toUpperCase();
    return `${names}${values.replace(/#\d+/g, name)}`;
  });
}

/** clipanion's Cli, with option values named in every usage it prints. */
export class EcsDeployCli extends Cli<CliContext> {
  protected override getUsageByIndex(
    n: number,
    opts?: { detailed?: boolean; inlineOptions?: boolean },
  ): { usage: string; options: { definition: string; description: string; required: boolean }[] } {
    const { usage, options } = super.getUsageByIndex(n, opts);
    return { usage: nameOptionValues(usage), options: options.map((o) => ({ ...o, definition: nameOptionValues(o.definition) })) };
  }

  /** Usage errors quote the command's usage line as the parser built it, with `#0`s: named here too. */
  override error(error: unknown, opts?: Parameters<Cli<CliContext>['error']>[1]): string {
    return nameOptionValues(super.error(error, opts));
  }
}

/** `ecsdeploy help [COMMAND]`: the list of commands, or one command's help (as `COMMAND --help` prints it). */
export class HelpCommand extends Command<CliContext> {
  static override paths = [['help']];
  static override usage = Command.Usage({
    description: 'Show the commands, or the help of one',
    examples: [
      ['List the commands', '$0 help'],
      ['The options and examples of apply', '$0 help apply'],
    ],
  });

  command = Option.String({ required: false, name: 'COMMAND' });

  async execute(): Promise<number> {
    const name = this.command;
    if (name === undefined) {
      this.context.stdout.write(this.cli.usage());
      return 0;
    }
    const known = this.cli.definitions().map((d) => d.path.replace(/^\S+\s*/, ''));
    if (!known.includes(name)) {
      const { text, exitCode } = presentError(
        new UsageError('COMMAND_UNKNOWN', `no command ${JSON.stringify(name)}`, { hint: `commands: ${known.filter(Boolean).join(', ')}` }),
        false,
      );
      this.context.stderr.write(text);
      return exitCode;
    }
    return this.cli.run([name, '--help']);
  }
}
