/**
 * `ecsdeploy status` for blue-green services: the CodeDeploy deployment in flight on the service's group (else the
 * group's last one), with its lifecycle events and the blue and green task sets' traffic weights, read now.
 */
import type { AwsPorts } from '../aws/ports.js';
import type { ResolvedService } from '../model/manifest.js';
import type { CodeDeployStatus } from '../model/status.js';
import { errorMessage } from '../util/error-text.js';
import { blueGreenNextCommands } from './codedeploy-blue-green.js';
import { DeploymentReader, describeEnd, stageOf } from './codedeploy-follow.js';
import { deploymentInFlight } from './codedeploy-service.js';

async function statusOf(ports: AwsPorts, s: ResolvedService, signal: AbortSignal): Promise<CodeDeployStatus> {
  if (s.strategy.type !== 'blue-green') throw new Error(`${s.key} is not a blue-green service`);
  const { application, deploymentGroup } = s.strategy;
  const status: CodeDeployStatus = { application, deploymentGroup };
  try {
    const inFlight = await deploymentInFlight(ports, s.strategy, signal);
    const id =
      inFlight ??
      (await ports.codedeploy.getDeploymentGroup({ applicationName: application, deploymentGroupName: deploymentGroup }, { signal }))
        .deploymentGroupInfo?.lastAttemptedDeployment?.deploymentId;
    if (!id) return status;
    const view = await new DeploymentReader(ports, id).read(signal);
    const stage = stageOf(view);
    const runId = view.description ? /^ecsdeploy run (\S+):/.exec(view.description)?.[1] : undefined;
    status.deployment = {
      id,
      status: view.status,
      inFlight: stage !== 'final',
      stage,
      ...(runId ? { runId } : {}),
      ...(view.description ? { description: view.description } : {}),
      ...(stage === 'final' && view.status !== 'Succeeded' ? { error: describeEnd(view) } : {}),
      lifecycle: view.lifecycle.map((e) => ({
        name: e.name,
        status: e.status,
        ...(e.diagnostics
          ? { diagnostics: [e.diagnostics.scriptName, e.diagnostics.errorCode, e.diagnostics.message].filter(Boolean).join(': ') }
          : {}),
      })),
      taskSets: view.taskSets.map((t) => ({ ...t })),
    };
    if (stage !== 'final')
      status.next = stage === 'ready-wait' || stage === 'termination-wait' ? blueGreenNextCommands(s.key) : [`ecsdeploy abort -n ${s.key}`];
  } catch (error) {
    status.error = errorMessage(error);
  }
  return status;
}

/** By manifest key, for the blue-green services among `services`. */
export async function codeDeployStatuses(
  ports: AwsPorts,
  services: ResolvedService[],
  signal: AbortSignal,
): Promise<Map<string, CodeDeployStatus>> {
  const out = new Map<string, CodeDeployStatus>();
  await Promise.all(
    services.filter((s) => s.strategy.type === 'blue-green').map(async (s) => out.set(s.key, await statusOf(ports, s, signal))),
  );
  return out;
}
