/**
 * Rules for gates the schema cannot express: the canary's `gate` and blue-green's `testTrafficGate` alike (one gate
 * engine, one set of rules). Run over every service at once, because a task check's `taskDefinitionOf` and a
 * query's named target group may refer to other services.
 */
import type { ManifestIssue } from '../errors/index.js';
import type { ResolvedService } from '../model/manifest.js';
import { expressionIds, type GateConfig, isEcsNative, type MetricCheck } from '../model/strategy.js';
import { didYouMean } from './did-you-mean.js';
import type { ServiceIssue } from './rules.js';
import type { Path } from './source.js';

/** GetMetricData takes at most 500 queries per call, and a check's queries must travel together (§4.2). */
const MAX_QUERIES_PER_CALL = 500;
const TARGET_GROUP_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:[^:]*:\d*:targetgroup\/([^/]+)\/[0-9a-f]+$/;

/** `arn:...:targetgroup/web/73e2...` → `web`; a name stays. */
function targetGroupName(nameOrArn: string): string {
  return TARGET_GROUP_ARN.exec(nameOrArn)?.[1] ?? nameOrArn;
}

/** Target group names the manifest declares: canary and stable sides, and services' load balancer target groups. */
function declaredTargetGroups(services: ResolvedService[]): Set<string> {
  const names = new Set<string>();
  for (const s of services) {
    if (s.strategy.type === 'canary') {
      names.add(targetGroupName(s.strategy.stable.targetGroup));
      names.add(targetGroupName(s.strategy.canary.targetGroup));
    }
    for (const lb of s.settings.loadBalancers ?? []) {
      if (typeof lb.targetGroupArn === 'string') names.add(targetGroupName(lb.targetGroupArn));
    }
    if (isEcsNative(s.strategy)) names.add(targetGroupName(s.strategy.alternateTargetGroup));
  }
  return names;
}

/** A valid GetMetricData period: 1, 5, 10 or 30 s (high resolution) or a multiple of 60 s (aws-semantics.md §4.2). */
function validPeriod(seconds: number): boolean {
  return [1, 5, 10, 30].includes(seconds) || seconds % 60 === 0;
}

function seconds(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`;
}

interface GateSite {
  gate: GateConfig;
  /** Path of the gate under the service, e.g. `['strategy', 'gate']`. */
  path: Path;
}

function gatesOf(s: ResolvedService): GateSite[] {
  if (s.strategy.type === 'canary') return [{ gate: s.strategy.gate, path: ['strategy', 'gate'] }];
  if (s.strategy.type === 'blue-green') {
    const { testTrafficGate, productionTrafficGate } = s.strategy;
    return [
      ...(testTrafficGate ? [{ gate: testTrafficGate, path: ['strategy', 'testTrafficGate'] }] : []),
      ...(productionTrafficGate ? [{ gate: productionTrafficGate, path: ['strategy', 'productionTrafficGate'] }] : []),
    ];
  }
  if (isEcsNative(s.strategy)) {
    const { testTrafficGate, productionGate } = s.strategy;
    return [
      ...(testTrafficGate ? [{ gate: testTrafficGate, path: ['strategy', 'testTrafficGate'] }] : []),
      ...(productionGate ? [{ gate: productionGate, path: ['strategy', 'productionGate'] }] : []),
    ];
  }
  return [];
}

interface Known {
  keys: string[];
  targetGroups: Set<string>;
  containersOf: ReadonlyMap<string, string[]>;
}

function metricIssues(
  check: MetricCheck,
  gate: GateConfig,
  at: (rest: Path, message: string) => ManifestIssue,
  known: Known,
): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const ids = Object.keys(check.queries);
  for (const { id } of expressionIds(check.expression)) {
    if (!ids.includes(id)) {
      issues.push(
        at(
          ['expression'],
          `the expression uses \`${id}\`, which is not one of its queries${didYouMean(id, ids)} (queries: ${ids.join(', ')})`,
        ),
      );
    }
  }
  for (const [id, q] of Object.entries(check.queries)) {
    const p = q.periodSeconds;
    const where = ['queries', id];
    if (!validPeriod(p)) {
      issues.push(
        at(
          where,
          `a metric period of ${p}s (the query's \`period\`, else the gate interval) is not allowed by CloudWatch: use 1s, 5s, 10s, 30s or a multiple of 1m`,
        ),
      );
    } else if ((gate.intervalMs / 1000) % p !== 0) {
      issues.push(
        at(
          where,
          `a metric period of ${p}s does not divide the gate interval (${seconds(gate.intervalMs)}): each evaluation judges one window of whole periods`,
        ),
      );
    }
    const tg = q.targetGroup;
    if (tg !== undefined && tg !== 'canary' && tg !== 'stable') {
      const named = TARGET_GROUP_ARN.test(tg) || (!tg.startsWith('arn:') && known.targetGroups.has(tg));
      if (!named) {
        const candidates = ['canary', 'stable', ...known.targetGroups];
        const hint = tg.startsWith('arn:') ? ' (that is not a target group ARN)' : didYouMean(tg, candidates);
        issues.push(
          at(
            [...where, 'targetGroup'],
            `unknown target group \`${tg}\`${hint}: use canary, stable, a target group ARN, or a target group this manifest declares (${[...known.targetGroups].join(', ') || 'none'})`,
          ),
        );
      }
    }
  }
  if (check.minSample && !ids.includes(check.minSample.query)) {
    const q = check.minSample.query;
    issues.push(at(['minSample', 'query'], `no query \`${q}\` in this check${didYouMean(q, ids)} (queries: ${ids.join(', ')})`));
  }
  const b = check.baseline;
  if (b) {
    if (b.maxIncrease === undefined && b.maxRatio === undefined) {
      issues.push(at(['baseline'], 'a baseline needs `maxIncrease` (canary − stable), `maxRatio` (canary ÷ stable), or both'));
    }
    if (b.maxRatio !== undefined && b.maxRatio <= 0) {
      issues.push(
        at(
          ['baseline', 'maxRatio'],
          `maxRatio must be above 0, not ${b.maxRatio}: it bounds canary ÷ stable (1.5 lets the canary be 50% worse)`,
        ),
      );
    }
    if (!Object.values(check.queries).some((q) => q.targetGroup === 'canary')) {
      issues.push(at(['baseline'], 'a baseline compares the canary with the stable side: at least one query needs `targetGroup: canary`'));
    }
  }
  const sides = b ? 2 : 1;
  const count = sides * (ids.length + 1);
  if (count > MAX_QUERIES_PER_CALL) {
    issues.push(
      at(['queries'], `this check needs ${count} CloudWatch queries in one call; GetMetricData takes at most ${MAX_QUERIES_PER_CALL}`),
    );
  }
  return issues;
}

function gateIssuesOf(s: ResolvedService, site: GateSite, at: ServiceIssue, known: Known): ManifestIssue[] {
  const { gate, path } = site;
  const issues: ManifestIssue[] = [];
  const here = (rest: Path, message: string, atKey = false) => at(s.key, [...path, ...rest], message, atKey);
  if (gate.intervalMs < 1000) issues.push(here(['interval'], 'the gate interval must be at least 1s'));
  if (gate.minRequests !== undefined && gate.metrics.length === 0) {
    issues.push(
      here(['minRequests'], 'minRequests makes metric checks inconclusive on too little traffic, and this gate has no metric checks'),
    );
  } else if (gate.minRequests !== undefined && gate.intervalMs % 60_000 !== 0) {
    issues.push(
      here(
        ['interval'],
        `minRequests counts ALB requests, which CloudWatch publishes per minute: the interval must be whole minutes, not ${seconds(gate.intervalMs)}`,
      ),
    );
  }
  const names = new Set<string>();
  const unique = (name: string, rest: Path) => {
    if (names.has(name)) issues.push(here(rest, `another check of this gate is named \`${name}\`: names tell checks apart in events`));
    names.add(name);
  };
  gate.metrics.forEach((m, i) => {
    unique(m.name, ['metrics', i, 'name']);
    issues.push(...metricIssues(m, gate, (rest, message) => here(['metrics', i, ...rest], message), known));
  });
  gate.tasks.forEach((t, i) => {
    unique(t.name, ['tasks', i, 'name']);
    const where: Path = ['tasks', i];
    if (!known.keys.includes(t.taskDefinitionOf)) {
      issues.push(
        here(
          [...where, 'taskDefinitionOf'],
          `unknown service \`${t.taskDefinitionOf}\`${didYouMean(t.taskDefinitionOf, known.keys)} (services: ${known.keys.join(', ')})`,
        ),
      );
    } else if (t.container !== undefined) {
      const cs = known.containersOf.get(t.taskDefinitionOf);
      if (cs && !cs.includes(t.container)) {
        issues.push(
          here(
            [...where, 'container'],
            `no container \`${t.container}\` in the task definition of ${t.taskDefinitionOf}${didYouMean(t.container, cs)} (containers: ${cs.join(', ')})`,
          ),
        );
      }
    }
    if (t.timeoutMs === 0) issues.push(here([...where, 'timeout'], 'a task timeout must be longer than 0'));
  });
  return issues;
}

/** Every gate's issues, for all services. `containersOf`: declared task definitions' container names by service key. */
export function gateIssues(services: ResolvedService[], at: ServiceIssue, containersOf: ReadonlyMap<string, string[]>): ManifestIssue[] {
  const known: Known = { keys: services.map((s) => s.key), targetGroups: declaredTargetGroups(services), containersOf };
  return services.flatMap((s) => gatesOf(s).flatMap((site) => gateIssuesOf(s, site, at, known)));
}
