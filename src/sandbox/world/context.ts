/**
 * The world's shared machinery: state, clock, scenario, the seeded random stream, identifiers, ARNs and lookups.
 * Every service module receives this one object.
 */
import type { Clock } from '../../util/clock.js';
import { SandboxApiError } from '../errors.js';
import type { Scenario } from './scenario.js';
import type { ClusterState, ServiceState, WorldState } from './types.js';

export class WorldContext {
  constructor(
    readonly st: WorldState,
    readonly clock: Clock,
    public scenario: Scenario,
  ) {}

  get now(): number {
    return this.st.now;
  }

  get region(): string {
    return this.st.region;
  }

  get accountId(): string {
    return this.st.accountId;
  }

  /** mulberry32 over the state's seed: the same seed and calls give the same identifiers. */
  random(): number {
    this.st.rng = (this.st.rng + 0x6d2b79f5) | 0;
    let t = this.st.rng;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(this.random() * 16).toString(16);
    return s;
  }

  digits(n: number): string {
    let s = String(1 + Math.floor(this.random() * 9));
    for (let i = 1; i < n; i++) s += String(Math.floor(this.random() * 10));
    return s;
  }

  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  nextIp(): string {
    const n = this.st.ipSeq++;
    return `10.0.${Math.floor(n / 250) % 250}.${(n % 250) + 4}`;
  }

  /** The ARN partition of the region: `aws-cn` in China, `aws-us-gov` in GovCloud, `aws` elsewhere. */
  get partition(): string {
    return partitionOf(this.region);
  }

  arn(service: string, resource: string): string {
    return `arn:${this.partition}:${service}:${this.region}:${this.accountId}:${resource}`;
  }

  /** ARNs of global services (IAM, STS) carry no region. */
  globalArn(service: string, resource: string): string {
    return `arn:${this.partition}:${service}::${this.accountId}:${resource}`;
  }

  // ------------------------------------------------------------------------------------------ ECS lookups

  clusterArnFor(nameOrArn: string | undefined): string {
    const v = nameOrArn ?? 'default';
    return v.startsWith('arn:') ? v : this.arn('ecs', `cluster/${v}`);
  }

  cluster(nameOrArn: string | undefined): ClusterState {
    const c = this.st.ecs.clusters[this.clusterArnFor(nameOrArn)];
    if (c?.status !== 'ACTIVE') throw new SandboxApiError('ClusterNotFoundException', 'Cluster not found.');
    return c;
  }

  /** A service by name or ARN; INACTIVE services are "not found" for mutations (`allowInactive` for describes). */
  findService(cluster: ClusterState, nameOrArn: string): ServiceState | undefined {
    const name = nameOrArn.startsWith('arn:') ? (nameOrArn.split('/').pop() ?? nameOrArn) : nameOrArn;
    return cluster.services[name];
  }

  service(cluster: ClusterState, nameOrArn: string): ServiceState {
    const s = this.findService(cluster, nameOrArn);
    if (!s || s.status === 'INACTIVE') throw new SandboxApiError('ServiceNotFoundException', 'Service not found.');
    return s;
  }

  serviceByArn(arn: string): ServiceState | undefined {
    const parts = arn.split('/');
    const name = parts[parts.length - 1];
    const clusterName = parts.length >= 3 ? parts[parts.length - 2] : 'default';
    const c = this.st.ecs.clusters[this.arn('ecs', `cluster/${clusterName}`)];
    return name ? c?.services[name] : undefined;
  }

  // ------------------------------------------------------------------------------------------ motion

  /** Marks a service as in motion: it is advanced until it settles again. */
  activateService(arn: string): void {
    if (!this.st.active.services.includes(arn)) this.st.active.services.push(arn);
  }

  activateTask(arn: string): void {
    if (!this.st.active.tasks.includes(arn)) this.st.active.tasks.push(arn);
  }

  activateDeployment(id: string): void {
    if (!this.st.active.deployments.includes(id)) this.st.active.deployments.push(id);
  }

  /** Service events: newest first, at most 100 (§1.3). */
  serviceEvent(svc: ServiceState, message: string): void {
    svc.events.unshift({ id: this.uuid(), createdAt: this.now, message });
    if (svc.events.length > 100) svc.events.length = 100;
  }
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function createState(region: string, accountId: string, now: number, seed: number): WorldState {
  return {
    version: 1,
    region,
    accountId,
    now,
    rng: seed | 0,
    ipSeq: 0,
    ecs: { clusters: {}, taskDefinitions: {}, tasks: {}, resourceTags: {}, serviceDeployments: {}, serviceRevisions: {} },
    elbv2: { loadBalancers: {}, targetGroups: {}, listeners: {}, rules: {} },
    cloudwatch: { metrics: {}, alarms: {}, trafficMinute: Math.floor(now / 60_000) * 60_000 },
    codedeploy: { applications: {}, groups: {}, deployments: {} },
    events: { rules: {} },
    sns: { topics: {}, messages: [] },
    active: { services: [], tasks: [], deployments: [] },
    stoppedTasks: [],
  };
}
