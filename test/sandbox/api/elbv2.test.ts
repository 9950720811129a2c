/**
 * ELBv2 through the real SDK: tags, rule priorities, deletes, rule conditions and actions checked as AWS checks
 * them, the authenticate actions' maps on the wire, target group attributes, listener and target group rules.
 */
import {
  AddTagsCommand,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
  type RuleCondition,
  RegisterTargetsCommand,
  RemoveTagsCommand,
  SetRulePrioritiesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { startInProcessSandbox } from '../../_helpers/sandbox.js';

const fixed = { Type: 'fixed-response' as const, FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain' } };

async function account() {
  const sb = startInProcessSandbox();
  const elb = new ElasticLoadBalancingV2Client({ ...sb.sdkConfig(), maxAttempts: 1 });
  const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'shop', Subnets: ['subnet-1', 'subnet-2'] }))).LoadBalancers?.[0];
  const tg = (await elb.send(new CreateTargetGroupCommand({ Name: 'web', Protocol: 'HTTP', Port: 8080, VpcId: 'vpc-1', TargetType: 'ip' })))
    .TargetGroups?.[0];
  const listener = (
    await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb?.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [fixed] }))
  ).Listeners?.[0];
  return {
    sb,
    elb,
    lbArn: lb?.LoadBalancerArn as string,
    tgArn: tg?.TargetGroupArn as string,
    listenerArn: listener?.ListenerArn as string,
  };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (e: Error) => `${e.name}: ${e.message}`,
  );

describe('tags', () => {
  it('adds, replaces, removes and describes tags on load balancers, target groups, listeners and rules', async () => {
    const { elb, lbArn, tgArn, listenerArn } = await account();
    const rule = (
      await elb.send(
        new CreateRuleCommand({
          ListenerArn: listenerArn,
          Priority: 10,
          Conditions: [{ Field: 'path-pattern', Values: ['/api/*'] }],
          Actions: [fixed],
          Tags: [{ Key: 'owner', Value: 'shop' }],
        }),
      )
    ).Rules?.[0];
    const arns = [lbArn, tgArn, listenerArn, rule?.RuleArn as string];
    await elb.send(new AddTagsCommand({ ResourceArns: arns, Tags: [{ Key: 'env', Value: 'dev' }] }));
    await elb.send(new AddTagsCommand({ ResourceArns: [lbArn], Tags: [{ Key: 'env', Value: 'prod' }] }));
    await elb.send(new RemoveTagsCommand({ ResourceArns: [tgArn], TagKeys: ['env'] }));
    const out = await elb.send(new DescribeTagsCommand({ ResourceArns: arns }));
    expect(out.TagDescriptions?.map((d) => [d.ResourceArn === arns[0] ? 'lb' : d.ResourceArn === tgArn ? 'tg' : 'other', d.Tags])).toEqual([
      ['lb', [{ Key: 'env', Value: 'prod' }]],
      ['tg', []],
      ['other', [{ Key: 'env', Value: 'dev' }]],
      [
        'other',
        [
          { Key: 'owner', Value: 'shop' },
          { Key: 'env', Value: 'dev' },
        ],
      ],
    ]);
  });

  it('refuses a 51st tag and names an unknown resource by its type', async () => {
    const { elb, lbArn, tgArn } = await account();
    const tags = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await elb.send(new AddTagsCommand({ ResourceArns: [lbArn], Tags: tags }));
    expect(await failure(elb.send(new AddTagsCommand({ ResourceArns: [lbArn], Tags: [{ Key: 'one-more', Value: 'v' }] })))).toContain(
      'TooManyTagsException',
    );
    expect(await failure(elb.send(new DescribeTagsCommand({ ResourceArns: [`${tgArn}x`] })))).toBe(
      'TargetGroupNotFoundException: One or more target groups not found',
    );
  });
});

describe('rules', () => {
  it('SetRulePriorities reorders rules, and refuses a priority another rule of the listener keeps', async () => {
    const { elb, listenerArn } = await account();
    const create = async (Priority: number) =>
      (
        await elb.send(
          new CreateRuleCommand({
            ListenerArn: listenerArn,
            Priority,
            Conditions: [{ Field: 'path-pattern', Values: [`/${Priority}`] }],
            Actions: [fixed],
          }),
        )
      ).Rules?.[0]?.RuleArn as string;
    const a = await create(1);
    const b = await create(2);
    const c = await create(3);
    const out = await elb.send(
      new SetRulePrioritiesCommand({
        RulePriorities: [
          { RuleArn: a, Priority: 2 },
          { RuleArn: b, Priority: 1 },
        ],
      }),
    );
    expect(out.Rules?.map((r) => r.Priority)).toEqual(['2', '1']);
    const order = (await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))).Rules?.map((r) => r.RuleArn);
    expect(order?.slice(0, 3)).toEqual([b, a, c]);
    expect(await failure(elb.send(new SetRulePrioritiesCommand({ RulePriorities: [{ RuleArn: a, Priority: 3 }] })))).toBe(
      'PriorityInUseException: The specified priority is in use.',
    );
  });

  it.each<[string, RuleCondition, string]>([
    [
      'a host name over 128 characters',
      { Field: 'host-header', Values: ['x'.repeat(129)] },
      "The 'host-header' value is too long; the limit is '128'",
    ],
    [
      'two legacy path patterns',
      { Field: 'path-pattern', Values: ['/a', '/b'] },
      "The 'path-pattern' field contains too many values; the limit is '1'",
    ],
    ['a path pattern without values', { Field: 'path-pattern', PathPatternConfig: { Values: [] } }, 'A condition value must be specified'],
    [
      'a header name over 40 characters',
      { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'x'.repeat(41), Values: ['y'] } },
      "The 'HttpHeaderName' value is too long; the limit is '40'",
    ],
    [
      'a lower-case request method',
      { Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['get'] } },
      "The 'http-request-method' value is invalid; the allowed characters are A-Z, hyphen and underscore",
    ],
    ['a source-ip condition without its config', { Field: 'source-ip' }, "A 'SourceIpConfig' must be specified with 'source-ip'"],
  ])('CreateRule refuses %s', async (_, condition, message) => {
    const { elb, listenerArn } = await account();
    const create = elb.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 5, Conditions: [condition], Actions: [fixed] }));
    expect(await failure(create)).toBe(`ValidationError: ${message}`);
    expect((await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))).Rules).toHaveLength(1);
  });

  it('returns an authenticate action with its extra request parameters, and without the client secret', async () => {
    const { elb, listenerArn, tgArn } = await account();
    const oidc = {
      Type: 'authenticate-oidc' as const,
      Order: 1,
      AuthenticateOidcConfig: {
        Issuer: 'https://idp.example.com',
        AuthorizationEndpoint: 'https://idp.example.com/auth',
        TokenEndpoint: 'https://idp.example.com/token',
        UserInfoEndpoint: 'https://idp.example.com/user',
        ClientId: 'shop',
        ClientSecret: 'not-to-be-repeated',
        AuthenticationRequestExtraParams: { prompt: 'login', display: 'page' },
      },
    };
    const forward = { Type: 'forward' as const, Order: 2, TargetGroupArn: tgArn };
    const created = await elb.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 7,
        Conditions: [{ Field: 'path-pattern', Values: ['/admin'] }],
        Actions: [oidc, forward],
      }),
    );
    const described = (await elb.send(new DescribeRulesCommand({ RuleArns: [created.Rules?.[0]?.RuleArn as string] }))).Rules?.[0];
    const config = described?.Actions?.[0]?.AuthenticateOidcConfig;
    expect(config?.AuthenticationRequestExtraParams).toEqual({ prompt: 'login', display: 'page' });
    expect(config?.ClientId).toBe('shop');
    expect(JSON.stringify(described)).not.toContain('not-to-be-repeated');
  });

  it('checks a fixed response: a 2XX/4XX/5XX status code and one of the content types', async () => {
    const { elb, lbArn } = await account();
    const listener = (StatusCode: string, ContentType: string) =>
      failure(
        elb.send(
          new CreateListenerCommand({
            LoadBalancerArn: lbArn,
            Protocol: 'HTTP',
            Port: 81,
            DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode, ContentType } }],
          }),
        ),
      );
    expect(await listener('302', 'text/plain')).toContain("ValidationError: 1 validation error detected: Value '302' at 'statusCode'");
    expect(await listener('200', 'text/xml')).toContain('InvalidLoadBalancerActionException');
    expect(await listener('503', 'application/json')).toBe('accepted');
  });
});

describe('listeners, target groups and load balancers', () => {
  it('refuses a listener without port or protocol, or with a protocol of another load balancer type', async () => {
    const { elb, lbArn } = await account();
    const create = (input: { Port?: number; Protocol?: 'HTTP' | 'TCP' }) =>
      failure(elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, DefaultActions: [fixed], ...input })));
    expect(await create({ Protocol: 'HTTP' })).toBe('ValidationError: A listener port must be specified');
    expect(await create({ Port: 8080 })).toBe('ValidationError: A listener protocol must be specified');
    expect(await create({ Port: 8080, Protocol: 'TCP' })).toBe("ValidationError: Listener protocol 'TCP' must be one of 'HTTP, HTTPS'");
  });

  it('refuses a target group name AWS refuses, and a health check that does not fit its interval', async () => {
    const { elb } = await account();
    const create = (Name: string, extra: Record<string, unknown> = {}) =>
      failure(elb.send(new CreateTargetGroupCommand({ Name, Protocol: 'HTTP', Port: 80, VpcId: 'vpc-1', ...extra })));
    expect(await create('x'.repeat(33))).toContain("cannot be longer than '32' characters");
    expect(await create('web.example')).toContain('can only contain characters that are alphanumeric characters or hyphens(-)');
    expect(await create('-web')).toContain('failed to satisfy constraint');
    expect(await create('slow', { HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 5 })).toBe(
      "ValidationError: Health check timeout '5' must be smaller than the interval '5'",
    );
    expect(await failure(elb.send(new CreateTargetGroupCommand({ Name: 'novpc', Protocol: 'HTTP', Port: 80 })))).toBe(
      'ValidationError: A VPC ID must be specified',
    );
  });

  it("describes a target group's attributes with AWS's defaults and keeps stickiness per protocol", async () => {
    const { elb, tgArn } = await account();
    const attrs = async () =>
      Object.fromEntries(
        ((await elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: tgArn }))).Attributes ?? []).map((a) => [
          a.Key,
          a.Value,
        ]),
      );
    expect(await attrs()).toMatchObject({
      'deregistration_delay.timeout_seconds': '300',
      'stickiness.enabled': 'false',
      'stickiness.type': 'lb_cookie',
      'stickiness.lb_cookie.duration_seconds': '86400',
      'load_balancing.algorithm.type': 'round_robin',
    });
    await elb.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: tgArn,
        Attributes: [
          { Key: 'stickiness.enabled', Value: 'true' },
          { Key: 'stickiness.lb_cookie.duration_seconds', Value: '600' },
          { Key: 'deregistration_delay.timeout_seconds', Value: '30' },
        ],
      }),
    );
    expect(await attrs()).toMatchObject({
      'stickiness.enabled': 'true',
      'stickiness.lb_cookie.duration_seconds': '600',
      'deregistration_delay.timeout_seconds': '30',
    });
    const sourceIp = elb.send(
      new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tgArn, Attributes: [{ Key: 'stickiness.type', Value: 'source_ip' }] }),
    );
    expect(await failure(sourceIp)).toBe(
      "ValidationError: Stickiness type 'source_ip' is not supported for target groups with the HTTP protocol",
    );
  });

  it('reports targets of a target group no listener uses as unused, and health-checks them once one does', async () => {
    const { sb, elb, tgArn, listenerArn } = await account();
    await elb.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: '10.0.0.5', Port: 8080 }] }));
    const health = async () =>
      (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }))).TargetHealthDescriptions?.[0]?.TargetHealth;
    expect(await health()).toEqual({
      State: 'unused',
      Reason: 'Target.NotInUse',
      Description: 'Given target group is not configured to receive traffic from ELB',
    });
    await elb.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 1,
        Conditions: [{ Field: 'path-pattern', Values: ['/'] }],
        Actions: [{ Type: 'forward', TargetGroupArn: tgArn }],
      }),
    );
    expect((await health())?.State).toBe('initial');
    // AWS's defaults: 30 s between checks, 5 healthy checks in a row.
    sb.clock.advance(150_000);
    expect((await health())?.State).toBe('healthy');
  });

  it('takes source_ip stickiness on a TCP target group and no stickiness on a TLS one', async () => {
    const { elb } = await account();
    const stick = async (Protocol: 'TCP' | 'TLS') => {
      const tg = (
        await elb.send(new CreateTargetGroupCommand({ Name: `nlb-${Protocol.toLowerCase()}`, Protocol, Port: 443, VpcId: 'vpc-1' }))
      ).TargetGroups?.[0];
      return failure(
        elb.send(
          new ModifyTargetGroupAttributesCommand({
            TargetGroupArn: tg?.TargetGroupArn,
            Attributes: [
              { Key: 'stickiness.enabled', Value: 'true' },
              { Key: 'stickiness.type', Value: 'source_ip' },
            ],
          }),
        ),
      );
    };
    expect(await stick('TCP')).toBe('accepted');
    expect(await stick('TLS')).toBe('ValidationError: You cannot enable stickiness on target groups with the TLS protocol');
  });

  it('deletes a target group only when nothing forwards to it, and a load balancer with its listeners', async () => {
    const { elb, lbArn, tgArn, listenerArn } = await account();
    await elb.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 1,
        Conditions: [{ Field: 'path-pattern', Values: ['/'] }],
        Actions: [{ Type: 'forward', TargetGroupArn: tgArn }],
      }),
    );
    expect(await failure(elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: tgArn })))).toBe(
      `ResourceInUseException: The target group '${tgArn}' is currently in use by a listener or a rule`,
    );
    await elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lbArn }));
    expect(await failure(elb.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] })))).toBe(
      'ListenerNotFoundException: One or more listeners not found',
    );
    await elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: tgArn }));
    expect((await elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups).toEqual([]);
    // Deleting what is already gone succeeds, as AWS's does.
    await elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lbArn }));
  });

  it('answers a new load balancer provisioning, with an AWS-shaped DNS name, and active 15 s later', async () => {
    const { sb, elb, lbArn } = await account();
    const lb = async () => (await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [lbArn] }))).LoadBalancers?.[0];
    expect((await lb())?.State?.Code).toBe('provisioning');
    expect((await lb())?.DNSName).toMatch(/^shop-\d{10}\.us-east-1\.elb\.amazonaws\.com$/);
    sb.clock.advance(14_000);
    expect((await lb())?.State?.Code).toBe('provisioning');
    sb.clock.advance(1_000);
    expect((await lb())?.State?.Code).toBe('active');
  });
});
