import { Command } from 'clipanion';
import { manifestSchemaText } from '../../manifest/index.js';
import { BaseCommand } from '../base-command.js';
import { ExitCode } from '../exit-codes.js';

/** `ecsdeploy schema`: the manifest's JSON Schema, for editors and CI linters. */
export class SchemaCommand extends BaseCommand {
  static override paths = [['schema']];
  static override usage = Command.Usage({
    description: 'Print the manifest JSON Schema',
    details: `
      Prints the JSON Schema (draft 2020-12) of ecsdeploy.yaml, the same file the package ships as
      \`schema/ecsdeploy.schema.json\`. Point your editor at it for completion and inline errors, e.g. with the
      YAML language server: \`# yaml-language-server: $schema=./ecsdeploy.schema.json\`.
    `,
    examples: [
      ['Save the schema next to the manifest', 'ecsdeploy schema > ecsdeploy.schema.json'],
      ['List the top-level keys', "ecsdeploy schema | jq '.properties | keys'"],
    ],
  });

  protected async run(): Promise<number> {
    this.context.stdout.write(manifestSchemaText());
    return ExitCode.Ok;
  }
}
