/**
 * An SDK v3 `requestHandler` that answers from the sandbox without a socket: the SDK serializes, signs and
 * retries exactly as it would against AWS, and gets back the same bytes the HTTP server would send. Pass it with
 * the runtime's dummy credentials to any client: `new ECSClient({ region, credentials, requestHandler })`.
 */
import { handleRequest } from './protocol/handle.js';
import type { ProtocolHost, WireRequest } from './protocol/types.js';
import { bodyBytes, decodeContentEncoding } from './wire-body.js';

/** The parts of `@smithy/protocol-http`'s HttpRequest the handler reads (structural: no SDK import needed). */
export interface SdkHttpRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null | undefined>;
  headers: Record<string, string>;
  body?: unknown;
}

/** Structurally an `@smithy/protocol-http` HttpResponse: the SDK checks shape, not class. */
export interface SdkHttpResponse {
  statusCode: number;
  reason?: string;
  headers: Record<string, string>;
  /** A Uint8Array: the SDK's body collector takes it as is, no stream needed. */
  body: Uint8Array;
}

function queryString(query: SdkHttpRequest['query']): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    const values = Array.isArray(v) ? v : [v];
    for (const item of values) {
      parts.push(item === null ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(item)}`);
    }
  }
  return parts.join('&');
}

function abortError(signal: { reason?: unknown }): Error {
  const error = new Error('Request aborted', signal.reason instanceof Error ? { cause: signal.reason } : undefined);
  error.name = 'AbortError';
  return error;
}

export class InProcessRequestHandler {
  /** What NodeHttpHandler reports; some SDK code reads it. */
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private config: Record<string, unknown> = {};

  constructor(private readonly host: ProtocolHost) {}

  async handle(request: SdkHttpRequest, options: { abortSignal?: unknown } = {}): Promise<{ response: SdkHttpResponse }> {
    // The SDK types its signal loosely (a DOM AbortSignal or its own older shape); in Node it is the caller's own.
    const signal = options.abortSignal instanceof AbortSignal ? options.abortSignal : undefined;
    if (signal?.aborted) throw abortError(signal);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers)) headers[k.toLowerCase()] = v;
    const qs = queryString(request.query);
    const wire: WireRequest = {
      method: request.method,
      path: qs ? `${request.path}?${qs}` : request.path,
      headers,
      body: decodeContentEncoding(await bodyBytes(request.body), headers['content-encoding']),
    };
    let res: Awaited<ReturnType<typeof handleRequest>>;
    try {
      res = await handleRequest(this.host, wire, signal ? { signal } : {});
    } catch (error) {
      if (signal?.aborted) throw abortError(signal);
      throw error;
    }
    return { response: { statusCode: res.status, headers: { ...res.headers }, body: res.body } };
  }

  updateHttpClientConfig(key: string, value: unknown): void {
    this.config[key] = value;
  }

  httpHandlerConfigs(): Record<string, unknown> {
    return { ...this.config };
  }

  /** Clients call this on `destroy()`; the handler holds no sockets and is shared, so there is nothing to free. */
  destroy(): void {}
}
