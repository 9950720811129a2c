import { writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { Command, Option } from 'clipanion';
import * as t from 'typanion';
import { planFromLive, unshownPreflight } from '../../api/plan-live.js';
import { UsageError } from '../../errors/index.js';
import { serializePlan } from '../../plan/saved-plan.js';
import type { Plan } from '../../plan/types.js';
import { renderPlanJson } from '../../render/plan-json.js';
import { renderPlanMarkdown } from '../../render/plan-markdown.js';
import { renderPlanText } from '../../render/plan-text.js';
import { AwsCommand, noCacheOption, overrideOption } from '../base-command.js';
import { createCommandRuntime } from '../lazy-runtime.js';
import { ExitCode } from '../exit-codes.js';
import { FLAG_RANGES, wholeNumberFlag } from '../flag-values.js';
import { loadManifestWithLookups } from '../lookups.js';
import { overrideFlagsOf } from '../manifest-options.js';

const FORMATS = ['text', 'json', 'markdown'] as const;

/** `ECS.DescribeServices 20, ECS.DescribeTaskDefinition 3` — for --verbose, on stderr. */
export function formatCallCounts(calls: Record<string, number>, readMs?: number): string {
  const entries = Object.entries(calls);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const took = readMs === undefined ? '' : `; reading AWS took ${(readMs / 1000).toFixed(2)} s`;
  if (total === 0) return `AWS calls: none${took}\n`;
  return `AWS calls: ${total} (${entries.map(([name, n]) => `${name} ${n}`).join(', ')})${took}\n`;
}

export class PlanCommand extends AwsCommand {
  static override paths = [['plan']];
  static override usage = Command.Usage({
    description: 'Show what `apply` would change',
    details: `
      Reads the manifest and the live ECS services (and, for blue-green and canary services, the CodeDeploy,
      load balancer and alarm resources they need), then shows the difference: new task definition revisions,
      service setting changes, services to create, and anything that blocks an apply.

      The plan goes to stdout as text, JSON or Markdown (for pull requests); progress and errors go to stderr.
      \`--out\` saves the plan for \`ecsdeploy apply --plan FILE\`, which refuses to run if AWS moved since.

      Exit codes: 0 success; 1 error; with \`--detailed-exitcode\`, 0 means no changes and 2 means changes, or a
      rollout in flight (a deployment not finished, a canary running or paused).
    `,
    examples: [
      ['Show the changes for every service', '$0 plan'],
      ['Plan one service of the staging environment with a new image', '$0 plan -e staging -n web --image web=registry/web:1.4.2'],
      ['Save a plan for a later apply; exit 2 when there is something to apply', '$0 plan --out plan.json --detailed-exitcode'],
      ['Markdown for a pull request comment', '$0 plan --format markdown > plan.md'],
    ],
  });

  images = overrideOption.images();
  desiredCount = overrideOption.desiredCount();
  min = overrideOption.min();
  max = overrideOption.max();
  timeout = overrideOption.timeout();
  noCache = noCacheOption();
  format = Option.String('--format', 'text', {
    validator: t.isEnum(FORMATS),
    description: 'Output format: text (default), json, or markdown',
  });
  out = Option.String('-o,--out', { description: 'Also save the plan to this file, for `ecsdeploy apply --plan FILE`' });
  detailedExitcode = Option.Boolean('--detailed-exitcode', false, { description: 'Exit 2 when the plan has changes, 0 when it has none' });
  concurrency = Option.String('--concurrency', { description: 'AWS calls in flight at once while reading (default 8, at most 64)' });

  override get cache(): boolean {
    return !this.noCache;
  }

  protected async run(): Promise<number> {
    const concurrency = wholeNumberFlag('--concurrency', this.concurrency, FLAG_RANGES.concurrency);
    // Recorded in the plan (a saved plan is applied with them); the manifest is loaded with the same flags.
    const overrides = overrideFlagsOf(this);
    const { manifest, calls: lookupCalls } = await loadManifestWithLookups(this);
    const runtime = await createCommandRuntime(this, manifest);
    try {
      // Wall time, not the injected clock: a diagnostic for --verbose (the sandbox's clock is virtual).
      const readStarted = performance.now();
      const { plan: built, preflight } = await planFromLive(runtime.ports, manifest, {
        clock: runtime.clock,
        signal: this.context.signal,
        ...(runtime.cache ? { cache: runtime.cache } : {}),
        ...(concurrency !== undefined ? { concurrency } : {}),
        overrides,
      });
      const readMs = performance.now() - readStarted;
      const plan: Plan = { ...built, calls: { ...lookupCalls, ...runtime.ports.calls.counts() } };

      if (this.out) {
        const file = resolve(this.context.cwd, this.out);
        // Applied from another folder, the plan still finds its manifest: next to itself, as it was.
        const manifestFromPlan = relative(dirname(file), resolve(this.context.cwd, manifest.file)) || manifest.file;
        try {
          await writeFile(file, serializePlan(plan, { manifestFromPlan }));
        } catch (error) {
          throw new UsageError('PLAN_OUT_UNWRITABLE', `cannot write the plan to ${this.out}: ${(error as Error).message}`);
        }
      }

      for (const issue of unshownPreflight(plan, preflight)) {
        this.context.stderr.write(`warning: ${issue.service}: ${issue.message}\n`);
      }
      if (this.format === 'json') this.context.stdout.write(ensureNewline(renderPlanJson(plan)));
      else if (this.format === 'markdown') this.context.stdout.write(ensureNewline(renderPlanMarkdown(plan)));
      else this.context.stdout.write(ensureNewline(renderPlanText(plan, { color: this.useColor('stdout') })));
      if (this.out) this.context.stderr.write(`saved the plan to ${this.out}\n`);
      if (this.verbose) this.context.stderr.write(formatCallCounts(plan.calls ?? {}, readMs));

      return this.detailedExitcode && plan.hasChanges ? ExitCode.Changes : ExitCode.Ok;
    } finally {
      await runtime.finish();
    }
  }
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
