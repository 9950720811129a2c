/**
 * Which wire protocol each service speaks, as the installed SDK clients send it (checked against
 * node_modules/@aws-sdk/client-*): ECS, CodeDeploy and EventBridge use awsJson1_1; CloudWatch uses awsJson1_0
 * with `awsQueryCompatible` (it sends `x-amzn-query-mode: true` and reads the error code from
 * `x-amzn-query-error`); ELBv2, SNS and STS use awsQuery.
 */
import type { RoutedServiceId, WireProtocol } from './types.js';

export interface ServiceWire {
  id: RoutedServiceId;
  protocol: WireProtocol;
  /** JSON protocols: the `X-Amz-Target` prefix. */
  target?: string;
  /** Query protocols: the API version sent as `Version`, and the XML namespace of responses. */
  version?: string;
  xmlns?: string;
  /** SigV4 signing name, as found in the credential scope of `Authorization`. */
  signingName: string;
  /** JSON 1.0 services that are query-compatible (CloudWatch). */
  queryCompatible?: boolean;
  throttleCode: string;
  serverErrorCode: string;
  /** Query services: result members (dotted, from the result element) that are maps, per operation. */
  mapPaths?: Record<string, ReadonlySet<string>>;
}

const ATTRIBUTES = new Set(['Attributes']);

/** The authenticate actions' extra request parameters are ELBv2's only maps (elasticloadbalancingv2 model). */
function authParams(actions: string): ReadonlySet<string> {
  return new Set(
    ['AuthenticateOidcConfig', 'AuthenticateCognitoConfig'].map((config) => `${actions}.${config}.AuthenticationRequestExtraParams`),
  );
}
const LISTENER_MAPS = authParams('Listeners.DefaultActions');
const RULE_MAPS = authParams('Rules.Actions');

export const SERVICES: readonly ServiceWire[] = [
  {
    id: 'ecs',
    protocol: 'json1.1',
    target: 'AmazonEC2ContainerServiceV20141113',
    signingName: 'ecs',
    throttleCode: 'ThrottlingException',
    serverErrorCode: 'ServerException',
  },
  {
    id: 'codedeploy',
    protocol: 'json1.1',
    target: 'CodeDeploy_20141006',
    signingName: 'codedeploy',
    throttleCode: 'ThrottlingException',
    serverErrorCode: 'InternalFailure',
  },
  {
    id: 'events',
    protocol: 'json1.1',
    target: 'AWSEvents',
    signingName: 'events',
    throttleCode: 'ThrottlingException',
    serverErrorCode: 'InternalException',
  },
  {
    id: 'cloudwatch',
    protocol: 'json1.0',
    target: 'GraniteServiceVersion20100801',
    signingName: 'monitoring',
    queryCompatible: true,
    throttleCode: 'Throttling',
    serverErrorCode: 'InternalServiceError',
  },
  {
    id: 'elbv2',
    protocol: 'query',
    version: '2015-12-01',
    xmlns: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
    signingName: 'elasticloadbalancing',
    throttleCode: 'Throttling',
    serverErrorCode: 'InternalFailure',
    mapPaths: {
      CreateListener: LISTENER_MAPS,
      DescribeListeners: LISTENER_MAPS,
      ModifyListener: LISTENER_MAPS,
      CreateRule: RULE_MAPS,
      DescribeRules: RULE_MAPS,
      ModifyRule: RULE_MAPS,
      SetRulePriorities: RULE_MAPS,
    },
  },
  {
    id: 'sns',
    protocol: 'query',
    version: '2010-03-31',
    xmlns: 'http://sns.amazonaws.com/doc/2010-03-31/',
    signingName: 'sns',
    throttleCode: 'Throttling',
    serverErrorCode: 'InternalFailure',
    mapPaths: {
      GetTopicAttributes: ATTRIBUTES,
      GetSubscriptionAttributes: ATTRIBUTES,
      GetEndpointAttributes: ATTRIBUTES,
      GetPlatformApplicationAttributes: ATTRIBUTES,
      GetSMSAttributes: new Set(['attributes']),
    },
  },
  {
    id: 'sts',
    protocol: 'query',
    version: '2011-06-15',
    xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/',
    signingName: 'sts',
    throttleCode: 'Throttling',
    serverErrorCode: 'InternalFailure',
  },
];

const BY_TARGET = new Map(SERVICES.filter((s) => s.target && s.protocol !== 'query').map((s) => [s.target as string, s]));
const BY_SIGNING_NAME = new Map(SERVICES.filter((s) => s.protocol === 'query').map((s) => [s.signingName, s]));
const BY_VERSION = new Map(SERVICES.filter((s) => s.protocol === 'query').map((s) => [s.version as string, s]));

export function serviceByTarget(prefix: string): ServiceWire | undefined {
  return BY_TARGET.get(prefix);
}

/** Service and region from `Authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sns/aws4_request, ...`. */
export function credentialScopeOf(authorization: string | undefined): { region: string; service: string } | undefined {
  if (!authorization) return undefined;
  const m = /Credential=[^/,\s]+\/[0-9]{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization);
  return m ? { region: m[1] as string, service: m[2] as string } : undefined;
}

/** The signing name of the credential scope (`sns` above). */
export function signingNameOf(authorization: string | undefined): string | undefined {
  return credentialScopeOf(authorization)?.service;
}

/**
 * With one endpoint for every service, a query request is told apart by the credential scope it was signed for;
 * an unsigned request falls back to its `Version` (each query service here has its own).
 */
export function queryService(authorization: string | undefined, version: string | undefined): ServiceWire | undefined {
  const signing = signingNameOf(authorization);
  if (signing) {
    const byScope = BY_SIGNING_NAME.get(signing);
    if (byScope) return byScope;
  }
  return version ? BY_VERSION.get(version) : undefined;
}
