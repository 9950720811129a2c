import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { Command, Option } from 'clipanion';
import { Document, isMap, isScalar, isSeq, visit } from 'yaml';
import { UsageError } from '../../errors/index.js';
import { readServicesToImport } from '../../live/read-services-to-import.js';
import { importManifest } from '../../plan/import-manifest.js';
import type { DeploymentGroupRef } from '../../plan/import-service.js';
import { awsOption } from '../base-command.js';
import { createCommandRuntime } from '../lazy-runtime.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { FLAG_RANGES, wholeNumberFlag } from '../flag-values.js';
import { presentError } from '../present-error.js';
import { interruptedOr } from '../deploy-command.js';
import { formatCallCounts } from './plan.js';

/** `SERVICE=APPLICATION/GROUP` → the service and its group. */
function parseDeploymentGroupFlag(text: string): [string, DeploymentGroupRef] {
  const m = /^([^=]+)=([^/]+)\/(.+)$/.exec(text);
  if (!m) {
    throw new UsageError(
      'INIT_DEPLOYMENT_GROUP_INVALID',
      `--deployment-group ${JSON.stringify(text)}: expected SERVICE=APPLICATION/GROUP`,
      {
        hint: 'e.g. --deployment-group orders-api=orders/orders-api',
      },
    );
  }
  return [m[1] as string, { application: m[2] as string, deploymentGroup: m[3] as string }];
}

export class InitCommand extends Command<CliContext> {
  static override paths = [['init']];
  static override usage = Command.Usage({
    description: 'Write a manifest and task definition files from services that run in ECS',
    details: `
      Imports live ECS services (those named with --service, or every service of the cluster with --all) into a
      new manifest and one task definition file per family, written the way a person would write them: read-only
      fields and the values AWS fills in by default left out, images in the manifest's \`images:\`, secrets kept as
      the \`valueFrom\` references they are. A plain environment value that looks secret is written as an
      \`\${env:NAME}\` reference and named in a warning, so no secret lands in a file meant for a repository.

      Services deployed by CodeDeploy get the blue-green strategy with the deployment group that names them (found
      by walking the region's CodeDeploy applications, or given with --deployment-group). Reads AWS only.

      Existing files are never overwritten without --force. \`ecsdeploy plan\` right after \`init\` shows no changes.
    `,
    examples: [
      ['Import two services of a cluster', '$0 init --cluster shop --service shop-web --service shop-api'],
      ['Import every service of a cluster into deploy/', '$0 init --cluster shop --all -o deploy/ecsdeploy.yaml'],
      [
        'Name the CodeDeploy group of a blue-green service instead of searching for it',
        '$0 init --cluster orders --service orders-api --deployment-group orders-api=orders/orders-api',
      ],
    ],
  });

  cluster = Option.String('-c,--cluster', { required: true, description: 'ECS cluster (name or ARN) whose services to import' });
  services = Option.Array('-n,--service', [], { description: 'Import this ECS service (repeatable)' });
  all = Option.Boolean('--all', false, { description: 'Import every service of the cluster' });
  out = Option.String('-o,--out', 'ecsdeploy.yaml', { description: 'Manifest to write (default: ecsdeploy.yaml)' });
  dir = Option.String('--dir', {
    description: 'Folder for the task definition files (default: ecs/ beside the manifest)',
  });
  force = Option.Boolean('--force', false, { description: 'Overwrite files that exist' });
  deploymentGroupFlags = Option.Array('--deployment-group', [], {
    description: 'The CodeDeploy group of a blue-green service: SERVICE=APPLICATION/GROUP (repeatable; skips the search)',
  });
  concurrency = Option.String('--concurrency', { description: 'AWS calls in flight at once while reading (default 8, at most 64)' });
  verbose = Option.Boolean('-v,--verbose', false, { description: 'Print AWS call counts' });

  region = awsOption.region();
  profile = awsOption.profile();
  endpointUrl = awsOption.endpointUrl();
  assumeRoleArn = awsOption.assumeRoleArn();
  externalId = awsOption.externalId();
  awsAccessKey = awsOption.awsAccessKey();
  awsSecretKey = awsOption.awsSecretKey();
  maxAttempts = awsOption.maxAttempts();
  sandbox = Option.Boolean('--sandbox', false, { description: 'Read the in-process sandbox account (with --state: the one saved there)' });
  state = Option.String('--state', { description: 'With --sandbox: the sandbox account file to read' });
  /** No scenario: init only reads. */
  readonly scenario = undefined;
  /** Task definitions are described once each here; the plan cache would not be read again. */
  readonly cache = false;

  async execute(): Promise<number> {
    try {
      return await this.run();
    } catch (error) {
      const { text, exitCode } = presentError(error, this.verbose);
      this.context.stderr.write(text);
      return exitCode;
    }
  }

  private async run(): Promise<number> {
    const { context } = this;
    if (this.all === this.services.length > 0) {
      throw new UsageError('INIT_SERVICES_REQUIRED', 'name the services to import with --service, or import all of them with --all', {
        hint: 'e.g. ecsdeploy init --cluster shop --service shop-web, or ecsdeploy init --cluster shop --all',
      });
    }
    if (this.sandbox && (!this.state || !existsSync(resolve(context.cwd, this.state)))) {
      // A fresh sandbox account is empty: there would be nothing to import, and --state would be created empty.
      throw new UsageError(
        'INIT_SANDBOX_STATE_REQUIRED',
        'init --sandbox reads a saved sandbox account: name an existing one with --state FILE',
        {
          hint: 'seed one first, e.g. ecsdeploy plan --sandbox --state FILE -f ecsdeploy.yaml',
        },
      );
    }
    const deploymentGroups = new Map(this.deploymentGroupFlags.map(parseDeploymentGroupFlag));
    const manifestFile = resolve(context.cwd, this.out);
    const dir = this.dir === undefined ? resolve(dirname(manifestFile), 'ecs') : resolve(context.cwd, this.dir);
    // Fail before reading AWS when the one file known up front is in the way.
    refuseExisting([manifestFile], this.force, context.cwd);

    const concurrency = wholeNumberFlag('--concurrency', this.concurrency, FLAG_RANGES.concurrency);
    const runtime = await createCommandRuntime(this, undefined);
    try {
      const live = await readServicesToImport(runtime.ports, {
        cluster: this.cluster,
        services: this.services,
        all: this.all,
        deploymentGroups,
        signal: context.signal,
        ...(concurrency !== undefined ? { concurrency } : {}),
      });
      const imported = importManifest({
        region: runtime.ports.region,
        cluster: live.cluster,
        services: live.services,
        taskDefinitionDir: relative(dirname(manifestFile), dir).split(sep).join('/'),
      });
      if (imported.problems.length > 0) {
        throw new UsageError(
          'INIT_UNSUPPORTED_SERVICE',
          `nothing was written; ${imported.problems.length === 1 ? 'a service' : 'some services'} cannot be imported:\n${imported.problems.map((p) => `  - ${p}`).join('\n')}`,
          {
            hint: "leave them out (name the others with --service), or name a blue-green service's group with --deployment-group SERVICE=APPLICATION/GROUP",
          },
        );
      }

      const files = imported.files.map((f) => ({
        file: resolve(dirname(manifestFile), f.path),
        text: `${JSON.stringify(f.document, null, 2)}\n`,
      }));
      files.push({ file: manifestFile, text: manifestText(imported.manifest, imported.header) });
      refuseExisting(
        files.map((f) => f.file),
        this.force,
        context.cwd,
      );

      for (const { file, text } of files) {
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, text);
        context.stdout.write(`wrote ${shown(file, context.cwd)}\n`);
      }
      for (const warning of imported.warnings) context.stderr.write(`warning: ${warning}\n`);
      if (imported.environmentVariables.length > 0) {
        context.stderr.write(
          `set these environment variables where ecsdeploy runs (CI secrets), or move the values to Secrets Manager or SSM: ${imported.environmentVariables.join(', ')}\n`,
        );
      }
      const count = live.services.length;
      context.stderr.write(
        `imported ${count} service${count === 1 ? '' : 's'} of the cluster ${live.cluster}; \`ecsdeploy plan -f ${shown(manifestFile, context.cwd)}\` should show no changes\n`,
      );
      if (this.verbose) context.stderr.write(formatCallCounts(runtime.ports.calls.counts()));
      return ExitCode.Ok;
    } catch (error) {
      throw interruptedOr(error, context.signal);
    } finally {
      await runtime.finish();
    }
  }
}

/** Short lists and small maps of plain values on one line (`subnets: [a, b]`), the way the examples are written. */
const FLOW_WIDTH = 80;

export function manifestText(manifest: object, header: string[]): string {
  const doc = new Document(manifest);
  doc.commentBefore = header.map((line) => ` ${line}`).join('\n');
  const scalarText = (node: unknown) => (isScalar(node) ? String(node.value).length : Number.POSITIVE_INFINITY);
  visit(doc, {
    Seq(_, node) {
      if (node.items.every(isScalar) && node.items.reduce((n, i) => n + scalarText(i) + 2, 2) <= FLOW_WIDTH) node.flow = true;
    },
    Map(_, node) {
      const small = node.items.every((p) => isScalar(p.key) && isScalar(p.value));
      if (small && node.items.reduce((n, p) => n + scalarText(p.key) + scalarText(p.value) + 4, 4) <= FLOW_WIDTH) node.flow = true;
    },
  });
  // The top level and `services:` stay in block style whatever their size.
  if (isMap(doc.contents)) doc.contents.flow = false;
  const services = doc.get('services');
  if (isMap(services) || isSeq(services)) services.flow = false;
  return doc.toString({ lineWidth: 0 });
}

function refuseExisting(files: string[], force: boolean, cwd: string): void {
  if (force) return;
  const existing = files.filter((f) => existsSync(f));
  if (existing.length === 0) return;
  throw new UsageError(
    'INIT_FILE_EXISTS',
    `nothing was written; ${existing.length === 1 ? 'this file exists' : 'these files exist'}: ${existing.map((f) => shown(f, cwd)).join(', ')}`,
    { hint: 'pass --force to overwrite, or choose another place with -o/--out and --dir' },
  );
}

/** A path as the user would type it: relative to the working directory when inside it. */
function shown(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
