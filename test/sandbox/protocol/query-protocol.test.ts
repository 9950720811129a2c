import {
  CreateListenerCommand,
  CreateTargetGroupCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetTopicAttributesCommand, NotFoundException, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/sandbox/clock.js';
import { SandboxApiError } from '../../../src/sandbox/errors.js';
import { InProcessRequestHandler } from '../../../src/sandbox/in-process.js';
import { createProtocolHost } from '../../../src/sandbox/protocol/host.js';
import { decodeQuery } from '../../../src/sandbox/protocol/query.js';
import { encodeQueryError, encodeQueryResult, escapeXml } from '../../../src/sandbox/protocol/xml.js';
import { fakeWorld } from './fake-world.js';

function setup() {
  const world = fakeWorld();
  const host = createProtocolHost(world, new VirtualClock(), 3);
  const config = {
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestHandler: new InProcessRequestHandler(host),
  };
  return { world, host, config };
}

describe('query protocol decoding', () => {
  it('turns member lists into arrays, entry maps into objects and dotted names into structures', () => {
    const form = [
      'Action=CreateRule',
      'Version=2015-12-01',
      'ListenerArn=arn%3Alistener',
      'Priority=10',
      'Conditions.member.1.Field=path-pattern',
      'Conditions.member.1.Values.member.1=%2Fapi%2F*',
      'Conditions.member.1.Values.member.2=%2Fv2%2F*',
      'Actions.member.1.Type=forward',
      'Actions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn=tg-b',
      'Actions.member.1.ForwardConfig.TargetGroups.member.2.Weight=10',
      'Actions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn=tg-a',
      'Actions.member.1.ForwardConfig.TargetGroups.member.1.Weight=90',
      'Tags=',
    ].join('&');
    expect(decodeQuery(form)).toEqual({
      action: 'CreateRule',
      version: '2015-12-01',
      params: {
        ListenerArn: 'arn:listener',
        Priority: '10',
        Conditions: [{ Field: 'path-pattern', Values: ['/api/*', '/v2/*'] }],
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: 'tg-a', Weight: '90' },
                { TargetGroupArn: 'tg-b', Weight: '10' },
              ],
            },
          },
        ],
        Tags: '',
      },
    });
  });

  it('decodes SNS attribute maps and message-attribute maps with structured values', () => {
    const form =
      'Action=Publish&Version=2010-03-31&Message=hi%20there%26more' +
      '&MessageAttributes.entry.1.Name=env&MessageAttributes.entry.1.Value.DataType=String' +
      '&MessageAttributes.entry.1.Value.StringValue=prod' +
      '&Attributes.entry.2.key=b&Attributes.entry.2.value=2&Attributes.entry.1.key=a&Attributes.entry.1.value=1';
    expect(decodeQuery(form).params).toEqual({
      Message: 'hi there&more',
      MessageAttributes: { env: { DataType: 'String', StringValue: 'prod' } },
      Attributes: { a: '1', b: '2' },
    });
  });
});

describe('query protocol encoding', () => {
  it('escapes the five XML specials and carriage returns', () => {
    expect(escapeXml(`<a href="x">'&'</a>\r`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;&#xD;');
  });

  it('wraps the result, writes lists as member elements, maps as entries and dates as ISO 8601', () => {
    const xml = encodeQueryResult({
      operation: 'GetThing',
      xmlns: 'http://example.com/doc/',
      requestId: 'rid-1',
      mapPaths: new Set(['Attributes']),
      output: {
        Items: [
          { Name: 'a<b', At: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) },
          { Name: 'c', On: true, N: 3 },
        ],
        Attributes: { Policy: '{"a":1}' },
        Empty: [],
        Missing: undefined,
      },
    });
    expect(xml).toBe(
      '<GetThingResponse xmlns="http://example.com/doc/"><GetThingResult>' +
        '<Items><member><Name>a&lt;b</Name><At>2026-01-02T03:04:05.000Z</At></member>' +
        '<member><Name>c</Name><On>true</On><N>3</N></member></Items>' +
        '<Attributes><entry><key>Policy</key><value>{&quot;a&quot;:1}</value></entry></Attributes>' +
        '<Empty></Empty>' +
        '</GetThingResult><ResponseMetadata><RequestId>rid-1</RequestId></ResponseMetadata></GetThingResponse>',
    );
  });

  it('writes errors in the ErrorResponse shape with the fault type', () => {
    expect(encodeQueryError({ xmlns: 'ns', type: 'Sender', code: 'X', message: 'a & b', requestId: 'r' })).toBe(
      '<ErrorResponse xmlns="ns"><Error><Type>Sender</Type><Code>X</Code><Message>a &amp; b</Message></Error><RequestId>r</RequestId></ErrorResponse>',
    );
  });
});

describe('query services through real SDK clients and the in-process handler', () => {
  it('routes ELBv2 by the credential scope and round-trips nested lists and numbers', async () => {
    const { world, config } = setup();
    world.on('elbv2', 'CreateTargetGroup', (input) => ({
      TargetGroups: [
        {
          TargetGroupArn: `arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/${String(input.Name)}/abc`,
          TargetGroupName: input.Name,
          Port: Number(input.Port),
          HealthCheckEnabled: true,
          LoadBalancerArns: [],
          Matcher: { HttpCode: '200-299' },
        },
      ],
    }));
    const elb = new ElasticLoadBalancingV2Client(config);
    const out = await elb.send(
      new CreateTargetGroupCommand({ Name: 'web', Port: 8080, Protocol: 'HTTP', VpcId: 'vpc-1', Tags: [{ Key: 'a&b', Value: '<v>' }] }),
    );
    expect(world.received[0]).toEqual({
      service: 'elbv2',
      operation: 'CreateTargetGroup',
      input: { Name: 'web', Port: '8080', Protocol: 'HTTP', VpcId: 'vpc-1', Tags: [{ Key: 'a&b', Value: '<v>' }] },
    });
    const tg = out.TargetGroups?.[0];
    expect(tg?.TargetGroupName).toBe('web');
    expect(tg?.Port).toBe(8080);
    expect(tg?.HealthCheckEnabled).toBe(true);
    expect(tg?.LoadBalancerArns).toEqual([]);
    expect(tg?.Matcher).toEqual({ HttpCode: '200-299' });
    expect(out.$metadata.requestId).toBeTruthy();
  });

  it('sends an empty list as an empty string, which the world must read as no items', async () => {
    const { world, config } = setup();
    world.on('elbv2', 'CreateListener', () => ({ Listeners: [] }));
    await new ElasticLoadBalancingV2Client(config).send(
      new CreateListenerCommand({ LoadBalancerArn: 'lb', Port: 80, Protocol: 'HTTP', DefaultActions: [] }),
    );
    expect(world.received[0]?.input.DefaultActions).toBe('');
  });

  it('maps an ELBv2 query error code to the modelled exception, with its message and request id', async () => {
    const { world, config } = setup();
    world.on('elbv2', 'DescribeTargetGroups', () => {
      throw new SandboxApiError('TargetGroupNotFound', 'One or more target groups not found & <gone>');
    });
    const err = await new ElasticLoadBalancingV2Client(config)
      .send(new DescribeTargetGroupsCommand({ Names: ['nope'] }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetGroupNotFoundException);
    expect((err as Error).message).toBe('One or more target groups not found & <gone>');
    expect((err as TargetGroupNotFoundException).$metadata.requestId).toBeTruthy();
  });

  it('routes SNS on the same endpoint, reads attribute maps and maps SNS errors', async () => {
    const { world, config } = setup();
    world.on('sns', 'GetTopicAttributes', (input) => ({ Attributes: { TopicArn: input.TopicArn, DisplayName: 'Deploys & more' } }));
    world.on('sns', 'Publish', () => {
      throw new SandboxApiError('NotFound', 'Topic does not exist');
    });
    const sns = new SNSClient(config);
    const attrs = await sns.send(new GetTopicAttributesCommand({ TopicArn: 'arn:aws:sns:eu-west-1:123456789012:deploys' }));
    expect(attrs.Attributes).toEqual({ TopicArn: 'arn:aws:sns:eu-west-1:123456789012:deploys', DisplayName: 'Deploys & more' });
    const err = await sns.send(new PublishCommand({ TopicArn: 'x', Message: 'm' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundException);
  });

  it('answers STS GetCallerIdentity with the world account itself', async () => {
    const { config } = setup();
    const out = await new STSClient(config).send(new GetCallerIdentityCommand({}));
    expect(out.Account).toBe('123456789012');
    expect(out.Arn).toBe('arn:aws:iam::123456789012:user/sandbox');
  });
});
