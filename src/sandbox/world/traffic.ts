/**
 * Simulated client traffic. Each simulated minute every listener receives `trafficPerMinute` requests; its serving
 * rule splits them by the forward action's relative weights (§3.1); each target group spreads its share over its
 * healthy targets (all registered targets when none is healthy: the ALB fails open), and each target answers with
 * the error rate and latency of the image its task runs. The ALB metrics of §4.2 are published per target group
 * and load balancer — only when requests flowed (§3.3: no traffic, no datapoints).
 */
import type { WorldContext } from './context.js';
import { forwardWeights, loadBalancerDimension, servingRule, sweepTargets, targetGroupDimension } from './elbv2/index.js';
import { putDatapoint } from './cloudwatch/metrics.js';
import { DEFAULT_LATENCY_MS, DEFAULT_TRAFFIC_PER_MINUTE } from './scenario.js';
import type { TargetGroupState } from './types.js';

const NS = 'AWS/ApplicationELB';

interface Share {
  requests: number;
  errors: number;
  latencySum: number;
  latencies: number[];
  minLatency: number;
  maxLatency: number;
}

function serveTargetGroup(w: WorldContext, tg: TargetGroupState, requests: number): Share {
  sweepTargets(w, tg);
  const registered = tg.targets.filter((t) => t.state !== 'draining' && t.state !== 'unused');
  const healthy = registered.filter((t) => t.state === 'healthy');
  const serving = healthy.length ? healthy : registered;
  const share: Share = { requests: 0, errors: 0, latencySum: 0, latencies: [], minLatency: Infinity, maxLatency: 0 };
  if (!serving.length || requests <= 0) return share;
  const per = requests / serving.length;
  for (const t of serving) {
    const task = t.taskArn ? w.st.ecs.tasks[t.taskArn] : undefined;
    const b = task?.behaviour;
    // A target failing its health checks answers errors too (that is why its checks fail).
    const errorRate = b ? (b.failHealthChecks ? 1 : b.errorRate) : 0;
    const latency = (b?.latencyMs ?? DEFAULT_LATENCY_MS) / 1000;
    share.requests += per;
    share.errors += per * errorRate;
    share.latencySum += per * latency;
    share.minLatency = Math.min(share.minLatency, latency);
    share.maxLatency = Math.max(share.maxLatency, latency);
    const samples = Math.max(1, Math.round((20 * per) / requests));
    for (let i = 0; i < samples; i++) share.latencies.push(latency);
  }
  return share;
}

/** Publishes the ALB metrics for the minute starting at `minuteStart`. */
export function generateTraffic(w: WorldContext, minuteStart: number): void {
  const rate = w.scenario.trafficPerMinute ?? DEFAULT_TRAFFIC_PER_MINUTE;
  for (const listener of Object.values(w.st.elbv2.listeners)) {
    const lb = w.st.elbv2.loadBalancers[listener.loadBalancerArn];
    const rule = servingRule(w, listener);
    if (!lb || !rule) continue;
    const weights = forwardWeights(rule.actions);
    const total = weights.reduce((s, x) => s + x.weight, 0);
    const lbDim = { Name: 'LoadBalancer', Value: loadBalancerDimension(lb.arn) };
    let lbRequests = 0;
    for (const { targetGroupArn, weight } of weights) {
      const tg = w.st.elbv2.targetGroups[targetGroupArn];
      if (!tg) continue;
      const dims = [{ Name: 'TargetGroup', Value: targetGroupDimension(tg.arn) }, lbDim];
      const healthyHosts = tg.targets.filter((t) => t.state === 'healthy').length;
      const unhealthyHosts = tg.targets.filter((t) => t.state === 'unhealthy').length;
      putDatapoint(
        w,
        { namespace: NS, metricName: 'HealthyHostCount', dimensions: dims },
        { t: minuteStart, sum: healthyHosts, count: 1, min: healthyHosts, max: healthyHosts, unit: 'Count' },
      );
      putDatapoint(
        w,
        { namespace: NS, metricName: 'UnHealthyHostCount', dimensions: dims },
        { t: minuteStart, sum: unhealthyHosts, count: 1, min: unhealthyHosts, max: unhealthyHosts, unit: 'Count' },
      );
      const requests = total > 0 ? Math.round((rate * weight) / total) : 0;
      const s = serveTargetGroup(w, tg, requests);
      const served = Math.round(s.requests);
      if (served <= 0) continue;
      lbRequests += served;
      const errors = Math.round(s.errors);
      const ok = served - errors;
      putDatapoint(
        w,
        { namespace: NS, metricName: 'RequestCount', dimensions: dims },
        { t: minuteStart, sum: served, count: served, min: 1, max: 1, unit: 'Count' },
      );
      if (ok > 0)
        putDatapoint(
          w,
          { namespace: NS, metricName: 'HTTPCode_Target_2XX_Count', dimensions: dims },
          { t: minuteStart, sum: ok, count: ok, min: 1, max: 1, unit: 'Count' },
        );
      // Count metrics are only published when non-zero (so gates need FILL(x, 0)).
      if (errors > 0)
        putDatapoint(
          w,
          { namespace: NS, metricName: 'HTTPCode_Target_5XX_Count', dimensions: dims },
          { t: minuteStart, sum: errors, count: errors, min: 1, max: 1, unit: 'Count' },
        );
      putDatapoint(
        w,
        { namespace: NS, metricName: 'TargetResponseTime', dimensions: dims },
        {
          t: minuteStart,
          sum: s.latencySum,
          count: s.requests,
          min: s.minLatency,
          max: s.maxLatency,
          values: s.latencies,
          unit: 'Seconds',
        },
      );
      const per = served / Math.max(1, tg.targets.length);
      putDatapoint(
        w,
        { namespace: NS, metricName: 'RequestCountPerTarget', dimensions: [{ Name: 'TargetGroup', Value: targetGroupDimension(tg.arn) }] },
        { t: minuteStart, sum: per, count: 1, min: per, max: per, unit: 'Count' },
      );
    }
    if (lbRequests > 0) {
      putDatapoint(
        w,
        { namespace: NS, metricName: 'RequestCount', dimensions: [lbDim] },
        { t: minuteStart, sum: lbRequests, count: lbRequests, min: 1, max: 1, unit: 'Count' },
      );
    }
  }
}
