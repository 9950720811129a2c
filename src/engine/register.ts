/**
 * Registers a service's new task definition revision, once per run (a one-off task and the service that share
 * it use the same revision), and only when the plan says the normalized definition changed (house rule 4).
 * Tagged with the manifest digest and the git commit so `rollback` can tell ecsdeploy's revisions apart, and with
 * the run id so a later `plan` can name the run whose rollout is still in flight; `plan` ignores `ecsdeploy:` tags
 * when diffing.
 */
import { InternalError } from '../errors/index.js';
import { TAG_RUN } from '../plan/in-flight.js';
import type { ServicePlan } from '../plan/types.js';
import type { EngineContext } from './context.js';

export const TAG_MANIFEST_DIGEST = 'ecsdeploy:manifest-digest';
const TAG_GIT_COMMIT = 'ecsdeploy:git-commit';
/** Put on a revision once a deployment of it completed: what `rollback` looks for. */
export const TAG_DEPLOYED = 'ecsdeploy:deployed';

type RegisterInput = Parameters<EngineContext['ports']['ecs']['registerTaskDefinition']>[0];

/** The task definition ARN a service deploys: a new revision when it changed, else the one it runs. */
export function taskDefinitionFor(ctx: EngineContext, sp: ServicePlan): Promise<string> {
  if (!sp.taskDefinitionChanged) {
    if (!sp.live?.taskDefinitionArn) {
      return Promise.reject(new InternalError(`service ${sp.key} has no live task definition and no new one to register`));
    }
    return Promise.resolve(sp.live.taskDefinitionArn);
  }
  let p = ctx.registered.get(sp.key);
  if (!p) {
    p = register(ctx, sp);
    ctx.registered.set(sp.key, p);
  }
  return p;
}

async function register(ctx: EngineContext, sp: ServicePlan): Promise<string> {
  const td = sp.desired.taskDefinition;
  const ours: { key: string; value: string }[] = ctx.plan ? [{ key: TAG_MANIFEST_DIGEST, value: ctx.plan.manifest.digest }] : [];
  ours.push({ key: TAG_RUN, value: ctx.options.runId });
  if (ctx.options.gitCommit) ours.push({ key: TAG_GIT_COMMIT, value: ctx.options.gitCommit });
  const tags = [...(td.tags ?? []).filter((t) => !t.key.startsWith('ecsdeploy:')), ...ours];
  const input = { ...td, tags } as unknown as RegisterInput;
  const images = td.containerDefinitions.map((c) => `${c.name}=${c.image ?? '?'}`).join(', ');
  const out = await ctx.calls.mutate(
    { service: 'ECS', operation: 'RegisterTaskDefinition', summary: `register a new revision of ${td.family} (${images})` },
    (signal) => ctx.ports.ecs.registerTaskDefinition(input, { signal }),
  );
  if (ctx.calls.dryRun) return `${td.family}:(new revision)`;
  const arn = out?.taskDefinition?.taskDefinitionArn;
  if (!arn) throw new InternalError(`RegisterTaskDefinition for ${td.family} returned no ARN`);
  ctx.emit({ type: 'taskdef.registered', service: sp.key, taskDefinitionArn: arn });
  return arn;
}
