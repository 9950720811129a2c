/**
 * The canary's traffic module through the real ports and SDK client, with aws-sdk-client-mock answering ELBv2 (an
 * unmocked call rejects): ModifyRule sends the WHOLE action list with only the forward action's weights changed,
 * a write is verified by reading the rule back (retrying until it shows, bounded), a forward action with
 * stickiness or a third target group is refused, and the listener's default action goes through ModifyListener.
 */
import {
  type Action,
  DescribeListenersCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyRuleCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import { createCallRunner } from '../../src/engine/calls.js';
import { createEmitter } from '../../src/engine/emitter.js';
import { MemorySink } from '../../src/events/types.js';
import { VirtualClock } from '../../src/sandbox/clock.js';
import { canaryTaskCount } from '../../src/strategies/canary-sizing.js';
import {
  type CanaryTargetGroups,
  readForward,
  routeProblems,
  shiftTraffic,
  type TrafficRoute,
  VERIFY_DELAYS_MS,
} from '../../src/strategies/canary-traffic.js';

const elb = mockClient(ElasticLoadBalancingV2Client);
const RULE = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:listener-rule/app/shop/50dc/f2f7/9683';
const LISTENER = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/shop/50dc/f2f7';
const STABLE = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web-stable/73e2';
const CANARY = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web-canary/0a1b';
const OTHER = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/legacy/9c9c';
const TGS: CanaryTargetGroups = { stable: { arn: STABLE, name: 'web-stable' }, canary: { arn: CANARY, name: 'web-canary' } };
const ROUTE: TrafficRoute = { kind: 'rule', arn: RULE };

const authenticate: Action = {
  Type: 'authenticate-oidc',
  Order: 1,
  AuthenticateOidcConfig: {
    Issuer: 'https://idp.example.com',
    AuthorizationEndpoint: 'https://idp.example.com/auth',
    TokenEndpoint: 'https://idp.example.com/token',
    UserInfoEndpoint: 'https://idp.example.com/userinfo',
    ClientId: 'shop',
  },
};

function forward(stable: number, canary: number, extra: { sticky?: boolean; other?: number } = {}): Action {
  return {
    Type: 'forward',
    Order: 2,
    ForwardConfig: {
      TargetGroups: [
        { TargetGroupArn: STABLE, Weight: stable },
        { TargetGroupArn: CANARY, Weight: canary },
        ...(extra.other !== undefined ? [{ TargetGroupArn: OTHER, Weight: extra.other }] : []),
      ],
      TargetGroupStickinessConfig: { Enabled: extra.sticky ?? false },
    },
  };
}

function rules(actions: Action[]) {
  return { Rules: [{ RuleArn: RULE, Priority: '10', IsDefault: false, Actions: actions }] };
}

function setup() {
  const clock = new VirtualClock(Date.parse('2026-01-01T00:00:00Z'));
  const ports = createAwsPorts({
    region: 'us-east-1',
    env: {},
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
  const sink = new MemorySink();
  const hardSignal = new AbortController().signal;
  const calls = createCallRunner({ dryRun: false, emit: createEmitter(sink, clock), hardSignal, ports, runId: 'test' });
  return { clock, ports, calls, signal: hardSignal };
}

beforeEach(() => elb.reset());
afterEach(() => elb.reset());

describe('canary traffic', () => {
  it('sends the whole action list with only the forward weights changed (stable 100 − w, canary w), then reads it back', async () => {
    const { ports, calls, clock, signal } = setup();
    elb
      .on(DescribeRulesCommand)
      .resolvesOnce(rules([authenticate, forward(1, 0)]))
      .resolves(rules([authenticate, forward(75, 25)]));
    elb.on(ModifyRuleCommand).resolves({});
    const state = await readForward(ports, ROUTE, TGS, signal);
    expect(state.weights).toEqual({ stable: 1, canary: 0 });

    const shifted = await shiftTraffic({ ports, calls, clock }, ROUTE, TGS, state, 25, signal);
    expect(shifted).toEqual({ verified: true, read: { stable: 75, canary: 25 } });
    const sent = elb.commandCalls(ModifyRuleCommand)[0]?.args[0].input;
    expect(sent?.RuleArn).toBe(RULE);
    expect(sent?.Actions).toEqual([
      authenticate,
      {
        Type: 'forward',
        Order: 2,
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: STABLE, Weight: 75 },
            { TargetGroupArn: CANARY, Weight: 25 },
          ],
          TargetGroupStickinessConfig: { Enabled: false },
        },
      },
    ]);
    expect(elb.commandCalls(DescribeRulesCommand)).toHaveLength(2);
  });

  it('keeps reading until the weights show (propagation), and reports them verified only then', async () => {
    const { ports, calls, clock, signal } = setup();
    // The write went through, but three reads still show the old weights.
    elb
      .on(DescribeRulesCommand)
      .resolvesOnce(rules([forward(90, 10)]))
      .resolvesOnce(rules([forward(90, 10)]))
      .resolvesOnce(rules([forward(90, 10)]))
      .resolves(rules([forward(100, 0)]));
    elb.on(ModifyRuleCommand).resolves({});
    const state = { actions: [forward(90, 10)], weights: { stable: 90, canary: 10 }, others: [], sticky: false };
    const start = clock.now();
    const shifted = await shiftTraffic({ ports, calls, clock }, ROUTE, TGS, state, 0, signal);
    expect(shifted.verified).toBe(true);
    expect(elb.commandCalls(DescribeRulesCommand)).toHaveLength(4);
    // It waited between reads on the injected clock: 0 + 1 s + 2 s + 4 s.
    expect(clock.now() - start).toBe(VERIFY_DELAYS_MS.slice(0, 4).reduce((a, b) => a + b, 0));
  });

  it('gives up after bounded reads when the weights never show, and says what it read', async () => {
    const { ports, calls, clock, signal } = setup();
    elb.on(DescribeRulesCommand).resolves(rules([forward(90, 10)]));
    elb.on(ModifyRuleCommand).resolves({});
    const state = { actions: [forward(90, 10)], weights: { stable: 90, canary: 10 }, others: [], sticky: false };
    const shifted = await shiftTraffic({ ports, calls, clock }, ROUTE, TGS, state, 0, signal);
    expect(shifted.verified).toBe(false);
    expect(shifted.problem).toMatch(
      /weights 100\/0 not verified on listener rule .*: reads show web-stable 90 \/ web-canary 10 after the write/,
    );
    expect(elb.commandCalls(DescribeRulesCommand)).toHaveLength(VERIFY_DELAYS_MS.length);
  });

  it('retries a throttled write (beyond the SDK), re-reading the rule first, and verifies', async () => {
    const { ports, calls, clock, signal } = setup();
    const throttle = Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } });
    elb.on(ModifyRuleCommand).rejectsOnce(throttle).resolves({});
    elb
      .on(DescribeRulesCommand)
      .resolvesOnce(rules([forward(100, 0)]))
      .resolves(rules([forward(90, 10)]));
    const state = { actions: [forward(100, 0)], weights: { stable: 100, canary: 0 }, others: [], sticky: false };
    const shifted = await shiftTraffic({ ports, calls, clock }, ROUTE, TGS, state, 10, signal);
    expect(shifted.verified).toBe(true);
    expect(elb.commandCalls(ModifyRuleCommand)).toHaveLength(2);
  });

  it('refuses stickiness on the forward action and a third target group, and a route without a forward action', () => {
    const sticky = { actions: [forward(100, 0, { sticky: true })], weights: { stable: 100, canary: 0 }, others: [], sticky: true };
    expect(routeProblems(ROUTE, sticky, TGS)).toEqual([
      { kind: 'sticky', text: expect.stringMatching(/stickiness on: sticky clients ignore weights/) },
    ]);
    const third = { actions: [forward(100, 0, { other: 5 })], weights: { stable: 100, canary: 0 }, others: [OTHER], sticky: false };
    expect(routeProblems(ROUTE, third, TGS)).toEqual([
      { kind: 'other', text: expect.stringMatching(/also forwards to .*legacy.*will not guess the share/) },
    ]);
    const none = { actions: [authenticate], weights: { stable: 0, canary: 0 }, others: [], sticky: false };
    expect(routeProblems(ROUTE, none, TGS)).toEqual([{ kind: 'other', text: expect.stringMatching(/has no forward action/) }]);
  });

  it('reads stickiness and other target groups from DescribeRules', async () => {
    const { ports, signal } = setup();
    elb.on(DescribeRulesCommand).resolves(rules([forward(100, 0, { sticky: true, other: 3 })]));
    const state = await readForward(ports, ROUTE, TGS, signal);
    expect(state).toMatchObject({ sticky: true, others: [OTHER], weights: { stable: 100, canary: 0 } });
  });

  it("weights a listener's default action with ModifyListener and reads it back with DescribeListeners", async () => {
    const { ports, calls, clock, signal } = setup();
    const route: TrafficRoute = { kind: 'listener', arn: LISTENER };
    elb
      .on(DescribeListenersCommand)
      .resolvesOnce({ Listeners: [{ ListenerArn: LISTENER, DefaultActions: [{ Type: 'forward', TargetGroupArn: STABLE }] }] })
      .resolves({ Listeners: [{ ListenerArn: LISTENER, DefaultActions: [forward(50, 50)] }] });
    elb.on(ModifyListenerCommand).resolves({});
    const state = await readForward(ports, route, TGS, signal);
    expect(state.weights).toEqual({ stable: 1, canary: 0 });
    const shifted = await shiftTraffic({ ports, calls, clock }, route, TGS, state, 50, signal);
    expect(shifted.verified).toBe(true);
    const sent = elb.commandCalls(ModifyListenerCommand)[0]?.args[0].input;
    expect(sent?.DefaultActions?.[0]).toEqual({
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: STABLE, Weight: 50 },
          { TargetGroupArn: CANARY, Weight: 50 },
        ],
      },
    });
  });
});

describe('canary sizing', () => {
  it('follow-weight: ceil(stable desired × weight / 100), at least 1; a fixed count stays', () => {
    expect(canaryTaskCount('follow-weight', 4, 10)).toBe(1);
    expect(canaryTaskCount('follow-weight', 4, 50)).toBe(2);
    expect(canaryTaskCount('follow-weight', 5, 50)).toBe(3);
    expect(canaryTaskCount('follow-weight', 4, 100)).toBe(4);
    expect(canaryTaskCount('follow-weight', 0, 10)).toBe(1);
    expect(canaryTaskCount(2, 40, 100)).toBe(2);
  });
});
