/** CodeDeploy output shapes: DeploymentInfo (GetDeployment, BatchGetDeployments) and the ECS deployment target. */
import type { WorldContext } from '../context.js';
import { computedDesiredCount } from '../ecs/scheduler.js';
import { clone, compact, date } from '../input.js';
import type { CodeDeployDeploymentState } from '../types.js';
import { groupOf, groupService, groupSettings } from './group.js';
import { isTerminal } from './lifecycle.js';

export function deploymentInfo(w: WorldContext, d: CodeDeployDeploymentState): Record<string, unknown> {
  const g = groupOf(w, d);
  const terminal = isTerminal(d);
  const overview = { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 };
  if (d.status === 'Succeeded') overview.Succeeded = 1;
  else if (d.status === 'Failed' || d.status === 'Stopped') overview.Failed = 1;
  else if (d.status === 'Ready') overview.Ready = 1;
  else if (d.status === 'Created') overview.Pending = 1;
  else overview.InProgress = 1;
  return compact({
    applicationName: d.applicationName,
    deploymentGroupName: d.deploymentGroupName,
    deploymentConfigName: d.deploymentConfigName,
    deploymentId: d.deploymentId,
    revision: { revisionType: 'AppSpecContent', appSpecContent: { sha256: d.appSpec.sha256 ?? undefined } },
    status: d.status,
    errorInformation: d.errorInformation ? { ...d.errorInformation } : undefined,
    createTime: new Date(d.createTime),
    startTime: date(d.startTime),
    completeTime: terminal ? date(d.completeTime) : undefined,
    deploymentOverview: overview,
    description: d.description,
    creator: d.creator,
    ignoreApplicationStopFailures: false,
    autoRollbackConfiguration: clone(d.autoRollbackConfiguration ?? g?.config.autoRollbackConfiguration ?? { enabled: false }),
    updateOutdatedInstancesOnly: false,
    rollbackInfo: d.rollbackInfo ? clone(d.rollbackInfo) : undefined,
    deploymentStyle: clone(g?.config.deploymentStyle ?? { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' }),
    blueGreenDeploymentConfiguration: clone(g?.config.blueGreenDeploymentConfiguration ?? {}),
    loadBalancerInfo: clone(g?.config.loadBalancerInfo ?? {}),
    instanceTerminationWaitTimeStarted: d.phase === 'TerminationWait' || d.status === 'Succeeded',
    fileExistsBehavior: 'DISALLOW',
    deploymentStatusMessages: [...d.statusMessages],
    computePlatform: 'ECS',
  });
}

/** The deployment's one ECS target: the service, with the blue and green task sets and their traffic weights. */
export function ecsTarget(w: WorldContext, d: CodeDeployDeploymentState): Record<string, unknown> {
  const g = groupOf(w, d);
  const svc = g ? groupService(w, groupSettings(g)) : undefined;
  const clusterName = svc?.clusterArn.split('/').pop() ?? '';
  const tsInfo = (svc?.taskSets ?? [])
    .filter((ts) => ts.id === d.blueTaskSetId || ts.id === d.greenTaskSetId)
    .map((ts) => {
      let running = 0;
      let pending = 0;
      for (const a of svc?.taskArns ?? []) {
        const t = w.st.ecs.tasks[a];
        if (!t || t.ownerId !== ts.id) continue;
        if (t.lastStatus === 'RUNNING') running++;
        else if (t.lastStatus === 'PENDING' || t.lastStatus === 'PROVISIONING') pending++;
      }
      const green = ts.id === d.greenTaskSetId;
      const tgArn = green ? d.greenTargetGroup : d.blueTargetGroup;
      return {
        identifer: ts.id,
        desiredCount: svc ? computedDesiredCount(svc, ts) : 0,
        pendingCount: pending,
        runningCount: running,
        status: ts.status,
        trafficWeight: green ? d.trafficShifted : 100 - d.trafficShifted,
        targetGroup: { name: tgArn ? (w.st.elbv2.targetGroups[tgArn]?.name ?? '') : '' },
        taskSetLabel: green ? 'Green' : 'Blue',
      };
    });
  const status = d.status === 'Stopped' ? 'Failed' : d.status === 'Created' ? 'Pending' : d.status;
  return {
    deploymentTargetType: 'ECSTarget',
    ecsTarget: {
      deploymentId: d.deploymentId,
      targetId: `${clusterName}:${svc?.serviceName ?? ''}`,
      targetArn: svc?.serviceArn ?? '',
      lastUpdatedAt: new Date(w.now),
      lifecycleEvents: d.lifecycleEvents.map((e) =>
        compact({
          lifecycleEventName: e.lifecycleEventName,
          status: e.status,
          startTime: date(e.startTime),
          endTime: date(e.endTime),
          diagnostics: e.diagnostics ? { ...e.diagnostics } : undefined,
        }),
      ),
      status,
      taskSetsInfo: tsInfo,
    },
  };
}
