/**
 * Resolves the target groups a gate's queries name (`canary`, `stable`, a name or an ARN) to the CloudWatch
 * dimensions of their ALB metrics: `TargetGroup=targetgroup/<name>/<id>` and `LoadBalancer=app/<name>/<id>`
 * (aws-semantics.md §4.2). Read once, with DescribeTargetGroups, before the first step; a target group attached to
 * no load balancer has no such metrics, and one attached to several cannot be told apart by one LoadBalancer value:
 * both are errors that name it.
 */
import type { AwsPorts } from '../aws/ports.js';
import { AwsApiError, PlanError } from '../errors/index.js';
import type { GateConfig } from '../model/strategy.js';
import type { GateTargets, TargetGroupDimensions } from './types.js';

/** Modest batches; a batch with a missing target group fails whole and is retried one by one to name it. */
const BATCH = 20;

/** The target groups a gate's queries need: roles and names/ARNs, as written. */
function targetGroupRefs(gates: readonly GateConfig[]): string[] {
  const refs = new Set<string>();
  for (const gate of gates) {
    if (gate.minRequests !== undefined) refs.add('canary');
    for (const m of gate.metrics) {
      for (const q of Object.values(m.queries)) if (q.targetGroup !== undefined) refs.add(q.targetGroup);
      if (m.baseline || gate.minRequests !== undefined) refs.add('canary');
      if (m.baseline) refs.add('stable');
    }
  }
  return [...refs];
}

/** `arn:...:targetgroup/web/73e2d6bc24d8a067` → `targetgroup/web/73e2d6bc24d8a067`. */
function targetGroupDimension(targetGroupArn: string): string {
  return targetGroupArn.slice(targetGroupArn.lastIndexOf(':') + 1);
}

/** `arn:...:loadbalancer/app/shop/50dc6c495c0c9188` → `app/shop/50dc6c495c0c9188`. */
function loadBalancerDimension(loadBalancerArn: string): string {
  const marker = ':loadbalancer/';
  const i = loadBalancerArn.indexOf(marker);
  return i < 0 ? loadBalancerArn : loadBalancerArn.slice(i + marker.length);
}

interface Described {
  arn: string;
  name: string;
  loadBalancerArns: string[];
}

function notFound(error: unknown): boolean {
  return error instanceof AwsApiError && /TargetGroupNotFound/.test(error.awsCode);
}

async function describe(ports: AwsPorts, ids: string[], byArn: boolean, signal: AbortSignal): Promise<Map<string, Described>> {
  const found = new Map<string, Described>();
  const read = async (batch: string[]) => {
    const out = await ports.elbv2.describeTargetGroups(byArn ? { TargetGroupArns: batch } : { Names: batch }, { signal });
    for (const tg of out.TargetGroups ?? []) {
      const d = { arn: tg.TargetGroupArn ?? '', name: tg.TargetGroupName ?? '', loadBalancerArns: tg.LoadBalancerArns ?? [] };
      found.set(byArn ? d.arn : d.name, d);
    }
  };
  for (let i = 0; i < ids.length; i += BATCH) {
    const batch = ids.slice(i, i + BATCH);
    try {
      await read(batch);
    } catch (error) {
      if (!notFound(error)) throw error;
      if (batch.length === 1) continue;
      for (const id of batch) {
        try {
          await read([id]);
        } catch (inner) {
          if (!notFound(inner)) throw inner;
        }
      }
    }
  }
  return found;
}

/**
 * Reads every target group the gates name. `sides` are the canary and stable target groups (name or ARN) the
 * strategy deploys to; the map answers for the roles and for each name/ARN as written in the manifest.
 */
export async function resolveGateTargets(
  ports: AwsPorts,
  sides: { canary: string; stable: string },
  gates: readonly GateConfig[],
  signal: AbortSignal,
): Promise<GateTargets> {
  const refs = targetGroupRefs(gates);
  const idOf = (ref: string): string => (ref === 'canary' ? sides.canary : ref === 'stable' ? sides.stable : ref);
  const ids = [...new Set(refs.map(idOf))];
  const arns = ids.filter((id) => id.startsWith('arn:'));
  const names = ids.filter((id) => !id.startsWith('arn:'));
  const [byArn, byName] = await Promise.all([
    arns.length ? describe(ports, arns, true, signal) : new Map<string, Described>(),
    names.length ? describe(ports, names, false, signal) : new Map<string, Described>(),
  ]);
  const targets = new Map<string, TargetGroupDimensions>();
  for (const ref of refs) {
    const id = idOf(ref);
    const what = ref === 'canary' || ref === 'stable' ? `the ${ref} target group "${id}"` : `target group "${id}"`;
    const tg = (id.startsWith('arn:') ? byArn : byName).get(id);
    if (!tg) {
      throw new PlanError('GATE_TARGET_GROUP', `${what}, named by a gate, does not exist in ${ports.region}`);
    }
    if (tg.loadBalancerArns.length !== 1) {
      const lbs = tg.loadBalancerArns.map(loadBalancerDimension).join(', ');
      throw new PlanError(
        'GATE_TARGET_GROUP',
        tg.loadBalancerArns.length === 0
          ? `${what} is attached to no load balancer, so it has no per-target-group ALB metrics for the gate to read`
          : `${what} is attached to ${tg.loadBalancerArns.length} load balancers (${lbs}): its metrics cannot be told apart by one LoadBalancer dimension`,
        { hint: 'gate metrics need a target group behind exactly one load balancer' },
      );
    }
    targets.set(ref, {
      targetGroup: targetGroupDimension(tg.arn),
      loadBalancer: loadBalancerDimension(tg.loadBalancerArns[0] as string),
    });
  }
  return targets;
}
