/**
 * The one protocol core both front ends use: decode the request for its service's wire protocol, apply the
 * scenario's API faults, dispatch to the world, encode the answer (or the error) the way AWS does, so the SDK
 * raises the same exceptions and retries the same way it would against AWS.
 */
import { isoTime } from '../../util/clock.js';
import { decideFault } from './faults.js';
import { BodyDecodeError, decodeJsonBody, encodeJsonBody } from './json.js';
import { decodeQuery } from './query.js';
import { partitionOf } from '../world/context.js';
import { type ServiceWire, credentialScopeOf, queryService, serviceByTarget } from './services.js';
import type { AwsServiceId, ProtocolHost, WireRequest, WireResponse } from './types.js';
import { encodeQueryError, encodeQueryResult } from './xml.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** An error to send in AWS's shape. */
interface WireError {
  status: number;
  code: string;
  message: string;
}

/** The world's error (src/sandbox/errors.ts `SandboxApiError`), recognised by shape. */
function asApiError(error: unknown): WireError | undefined {
  if (!(error instanceof Error)) return undefined;
  const e = error as Error & { code?: unknown; status?: unknown };
  if (typeof e.code !== 'string' || e.name !== 'SandboxApiError') return undefined;
  return { status: typeof e.status === 'number' ? e.status : 400, code: e.code, message: e.message };
}

function baseHeaders(requestId: string, contentType: string, body: Uint8Array): Record<string, string> {
  return {
    'content-type': contentType,
    'content-length': String(body.byteLength),
    'x-amzn-requestid': requestId,
  };
}

function jsonContentType(wire: ServiceWire): string {
  return wire.protocol === 'json1.0' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
}

function jsonError(wire: ServiceWire | undefined, requestId: string, error: WireError): WireResponse {
  const body = encodeJsonBody({ __type: error.code, message: error.message });
  const headers = baseHeaders(requestId, wire ? jsonContentType(wire) : 'application/x-amz-json-1.1', body);
  headers['x-amzn-errortype'] = error.code;
  // Query-compatible JSON services (CloudWatch) carry the query error code and fault type in this header; the SDK
  // prefers it to `__type` when it maps the exception.
  if (wire?.queryCompatible) headers['x-amzn-query-error'] = `${error.code};${error.status >= 500 ? 'Receiver' : 'Sender'}`;
  return { status: error.status, headers, body };
}

function queryError(wire: ServiceWire | undefined, requestId: string, error: WireError): WireResponse {
  const body = encoder.encode(
    encodeQueryError({
      xmlns: wire?.xmlns ?? '',
      type: error.status >= 500 ? 'Receiver' : 'Sender',
      code: error.code,
      message: error.message,
      requestId,
    }),
  );
  return { status: error.status, headers: baseHeaders(requestId, 'text/xml', body), body };
}

interface Routed {
  wire: ServiceWire;
  operation: string;
  input: Record<string, unknown>;
}

function formOf(request: WireRequest): string {
  const q = request.path.indexOf('?');
  const fromUrl = q >= 0 ? request.path.slice(q + 1) : '';
  const fromBody = request.method.toUpperCase() === 'GET' ? '' : decoder.decode(request.body);
  return [fromUrl, fromBody].filter((s) => s !== '').join('&');
}

/** Finds service, operation and decoded input; a `WireError` (and the protocol to answer in) when it cannot. */
function route(request: WireRequest): Routed | { error: WireError; json: boolean; wire?: ServiceWire } {
  const target = request.headers['x-amz-target'];
  if (target) {
    const dot = target.lastIndexOf('.');
    const wire = serviceByTarget(dot > 0 ? target.slice(0, dot) : target);
    if (!wire || dot < 0) {
      return { json: true, error: { status: 400, code: 'UnknownOperationException', message: `unknown target ${target}` } };
    }
    try {
      return { wire, operation: target.slice(dot + 1), input: decodeJsonBody(request.body) };
    } catch (error) {
      const message = error instanceof BodyDecodeError ? error.message : 'the request body could not be read';
      return { json: true, wire, error: { status: 400, code: 'SerializationException', message } };
    }
  }
  const form = decodeQuery(formOf(request));
  if (!form.action) {
    return {
      json: false,
      error: { status: 400, code: 'MissingAction', message: 'no X-Amz-Target header and no Action parameter' },
    };
  }
  const wire = queryService(request.headers.authorization, form.version);
  if (!wire) {
    return {
      json: false,
      error: {
        status: 400,
        code: 'InvalidAction',
        message: `the sandbox does not serve ${form.action} (version ${form.version ?? 'none'}) for this credential scope`,
      },
    };
  }
  return { wire, operation: form.action, input: form.params };
}

function stsDispatch(host: ProtocolHost, operation: string, region: string | undefined): Record<string, unknown> {
  if (operation === 'GetCallerIdentity') {
    const account = host.world.accountId;
    const partition = partitionOf(region ?? host.world.region);
    return { UserId: 'AIDASANDBOXUSER000001', Account: account, Arn: `arn:${partition}:iam::${account}:user/sandbox` };
  }
  const error = new Error(`the sandbox's STS answers GetCallerIdentity only, not ${operation}`) as Error & {
    code: string;
    status: number;
  };
  error.name = 'SandboxApiError';
  error.code = 'InvalidAction';
  error.status = 400;
  throw error;
}

function success(wire: ServiceWire, operation: string, output: Record<string, unknown>, requestId: string): WireResponse {
  if (wire.protocol === 'query') {
    const body = encoder.encode(
      encodeQueryResult({
        operation,
        xmlns: wire.xmlns ?? '',
        output,
        requestId,
        ...(wire.mapPaths?.[operation] ? { mapPaths: wire.mapPaths[operation] } : {}),
      }),
    );
    return { status: 200, headers: baseHeaders(requestId, 'text/xml', body), body };
  }
  const body = encodeJsonBody(output);
  return { status: 200, headers: baseHeaders(requestId, jsonContentType(wire), body), body };
}

function failure(wire: ServiceWire, requestId: string, error: WireError): WireResponse {
  return wire.protocol === 'query' ? queryError(wire, requestId, error) : jsonError(wire, requestId, error);
}

export interface HandleOptions {
  /** Aborts a latency fault's wait (the SDK's abortSignal). */
  signal?: AbortSignal;
}

/**
 * Answers one request. Never throws for anything the request contains; rejects only when `signal` aborts.
 * Takes the protocol host, or anything carrying one (a `SandboxRuntime`).
 */
export async function handleRequest(
  target: ProtocolHost | { host: ProtocolHost },
  request: WireRequest,
  options: HandleOptions = {},
): Promise<WireResponse> {
  const host = 'host' in target ? target.host : target;
  const requestId = host.requestId();
  const routed = route(request);
  if ('error' in routed) {
    host.record({
      time: isoTime(host.clock),
      service: routed.wire?.id ?? 'unknown',
      operation: 'unknown',
      status: routed.error.status,
      errorCode: routed.error.code,
    });
    return routed.json ? jsonError(routed.wire, requestId, routed.error) : queryError(routed.wire, requestId, routed.error);
  }
  const { wire, operation, input } = routed;

  let response: WireResponse;
  let errorCode: string | undefined;
  const fault = wire.id === 'sts' ? undefined : decideFault(host, wire.id, operation);
  if (fault && fault.latencyMs > 0) await host.clock.sleep(fault.latencyMs, options.signal);
  if (fault?.kind === 'throttle') {
    errorCode = wire.throttleCode;
    response = failure(wire, requestId, { status: 400, code: errorCode, message: 'Rate exceeded' });
  } else if (fault?.kind === 'server-error') {
    errorCode = wire.serverErrorCode;
    response = failure(wire, requestId, {
      status: 500,
      code: errorCode,
      message: 'We encountered an internal error. Please try again.',
    });
  } else {
    try {
      // Each region has its own state: the one the request was signed for answers it.
      const region = credentialScopeOf(request.headers.authorization)?.region;
      const output =
        wire.id === 'sts' ? stsDispatch(host, operation, region) : host.world.dispatch(wire.id as AwsServiceId, operation, input, region);
      response = success(wire, operation, output, requestId);
    } catch (error) {
      const apiError = asApiError(error) ?? {
        // A bug in the world, not an AWS condition: answer as AWS answers its own internal failures.
        status: 500,
        code: wire.serverErrorCode,
        message: `sandbox internal error in ${wire.id} ${operation}: ${error instanceof Error ? error.message : String(error)}`,
      };
      errorCode = apiError.code;
      response = failure(wire, requestId, apiError);
    }
  }
  host.record({
    time: isoTime(host.clock),
    service: wire.id,
    operation,
    status: response.status,
    ...(errorCode ? { errorCode } : {}),
  });
  return response;
}
