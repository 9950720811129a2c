/**
 * The one place SDK exceptions become ecsdeploy errors (house style 7.3: "AWS errors are mapped once"). Callers
 * above the ports only ever see {@link AwsApiError} (or {@link InterruptedError} when their signal aborted the
 * call): the service, the operation, the AWS error code, the request id, and for the errors people hit most a
 * hint that says what to do. Messages never carry credentials.
 */
import { AwsApiError, type EcsDeployError, InterruptedError, isEcsDeployError } from '../errors/index.js';
import { iamPrefixOf } from './services.js';

/**
 * Error codes the SDK's retry strategy treats as throttling (aws-semantics.md §6.2, smithy-typescript
 * service-error-classification). `LimitExceededException` is among them: ECS returns it from
 * RegisterTaskDefinition when the rate of registrations is too high.
 */
const THROTTLING_CODES: ReadonlySet<string> = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError', 'NotAuthorized']);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
const BAD_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'InvalidAccessKeyId',
]);
const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN']);
const REFUSED = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

const NO_CREDENTIALS_HINT =
  'provide AWS credentials: a profile (--profile or AWS_PROFILE; for SSO profiles run `aws sso login --profile NAME` first), ' +
  'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, or run where a container or instance role is available';

interface SdkErrorFields {
  name: string;
  message: string;
  code: string | undefined;
  requestId: string | undefined;
  httpStatus: number | undefined;
  attempts: number | undefined;
}

function fieldsOf(error: unknown): SdkErrorFields {
  if (typeof error !== 'object' || error === null) {
    return { name: 'Error', message: String(error), code: undefined, requestId: undefined, httpStatus: undefined, attempts: undefined };
  }
  const e = error as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    Code?: unknown;
    $metadata?: { requestId?: unknown; httpStatusCode?: unknown; attempts?: unknown };
  };
  const meta = e.$metadata ?? {};
  return {
    name: typeof e.name === 'string' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message : String(error),
    code: typeof e.code === 'string' ? e.code : typeof e.Code === 'string' ? e.Code : undefined,
    requestId: typeof meta.requestId === 'string' && meta.requestId !== '' ? meta.requestId : undefined,
    httpStatus: typeof meta.httpStatusCode === 'number' ? meta.httpStatusCode : undefined,
    attempts: typeof meta.attempts === 'number' ? meta.attempts : undefined,
  };
}

/** Access key ids and signing material that an SDK or a proxy might echo back. */
function scrubCredentials(text: string): string {
  return text
    .replace(/\b(AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}\b/g, '$1…')
    .replace(/(Credential=)[^,\s]+/g, '$1…')
    .replace(/(X-Amz-Security-Token=)[^&\s]+/gi, '$1…')
    .replace(/(Signature=)[0-9a-f]+/gi, '$1…');
}

function isAbort(f: SdkErrorFields): boolean {
  return f.name === 'AbortError' || f.code === 'ABORT_ERR';
}

function hintFor(service: string, operation: string, awsCode: string, f: SdkErrorFields, context: MapContext): string | undefined {
  if (awsCode === 'CredentialsProviderError' || /could not load credentials/i.test(f.message)) {
    if (/sso/i.test(f.message) && /expired|invalid|refresh/i.test(f.message)) {
      return 'the SSO session expired: run `aws sso login` with the same profile, then retry';
    }
    return NO_CREDENTIALS_HINT;
  }
  if (awsCode === 'TokenProviderError' || (/sso/i.test(f.message) && /expired/i.test(f.message))) {
    return 'the SSO session expired: run `aws sso login` with the same profile, then retry';
  }
  if (ACCESS_DENIED.has(awsCode) || /not authorized to perform/i.test(f.message)) {
    return `the credentials in use lack the IAM permission \`${iamPrefixOf(service)}:${operation}\`; grant it to the role or user (or choose another --profile / --assume-role-arn)`;
  }
  if (EXPIRED.has(awsCode)) {
    return 'the credentials expired: refresh them (for SSO profiles run `aws sso login`; for temporary keys fetch new ones) and retry';
  }
  if (BAD_CREDENTIALS.has(awsCode)) {
    return 'AWS did not accept the credentials: check the access key id and secret (and session token), and that --region is the one they are for';
  }
  if (UNREACHABLE.has(awsCode) || /getaddrinfo/i.test(f.message)) {
    const where = context.endpoint
      ? `the endpoint ${context.endpoint}`
      : `the ${service} endpoint for region ${context.region ?? '(none)'}`;
    return `could not resolve ${where}: check --region (is it a real AWS region?) and --endpoint-url / AWS_ENDPOINT_URL`;
  }
  if (REFUSED.has(awsCode)) {
    const where = context.endpoint ?? `the ${service} endpoint`;
    return `could not connect to ${where}: check the network, --endpoint-url / AWS_ENDPOINT_URL, and any proxy settings`;
  }
  if (THROTTLING_CODES.has(awsCode)) {
    return `AWS kept throttling ${service}.${operation}${f.attempts ? ` after ${f.attempts} attempts` : ''}: raise --max-attempts, or run fewer ecsdeploy processes against this account at once`;
  }
  if (awsCode === 'ClusterNotFoundException') return 'check the cluster name and --region';
  if (awsCode === 'UnknownEndpoint' || awsCode === 'InvalidEndpoint') return 'check --region and --endpoint-url';
  return undefined;
}

export interface MapContext {
  region?: string;
  endpoint?: string;
}

/**
 * Maps anything a port's SDK call threw into an ecsdeploy error. Already-mapped errors pass through, so the
 * mapping happens once even when ports call ports.
 */
export function toAwsApiError(service: string, operation: string, error: unknown, context: MapContext = {}): EcsDeployError {
  if (isEcsDeployError(error)) return error;
  const f = fieldsOf(error);
  if (isAbort(f)) return new InterruptedError(`cancelled while waiting for ${service}.${operation}`);
  // Node's network errors carry the useful part in `code` (ENOTFOUND); SDK service exceptions in `name`.
  const awsCode = f.code && /^E[A-Z_]+$/.test(f.code) ? f.code : f.name === 'Error' && f.code ? f.code : f.name;
  let message = scrubCredentials(f.message || awsCode);
  if (awsCode === 'CredentialsProviderError' && /could not load credentials/i.test(message)) {
    message = 'no AWS credentials found (environment, shared config and SSO profiles, container and instance roles were tried)';
  }
  return new AwsApiError(
    {
      service,
      operation,
      awsCode,
      message,
      ...(f.requestId ? { requestId: f.requestId } : {}),
      ...(f.httpStatus !== undefined ? { httpStatus: f.httpStatus } : {}),
      throttled: THROTTLING_CODES.has(awsCode),
    },
    // No `cause`: the SDK exception (with its raw response) stays behind the port.
    { hint: hintFor(service, operation, awsCode, f, context) },
  );
}
