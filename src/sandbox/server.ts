/**
 * The sandbox over loopback HTTP, for any AWS tool (`aws --endpoint-url`, Terraform, another ecsdeploy): the same
 * protocol core as the in-process handler, so both answer with the same bytes. Prints nothing; the command does.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../errors/index.js';
import { handleRequest } from './protocol/handle.js';
import type { ProtocolHost, WireRequest } from './protocol/types.js';
import { bodyBytes, decodeContentEncoding } from './wire-body.js';

export interface SandboxServer {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

export interface SandboxServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loopback only by default: the sandbox checks no signature, so it must not be reachable from elsewhere. */
  host?: string;
  /**
   * Answer moto's `POST /moto-api/reset` by emptying the account, as moto's own test suite expects between tests
   * (the conformance harness, conformance/moto-suite). Off by default: one request would wipe the account.
   */
  resetApi?: boolean;
}

/** moto's reset endpoint (moto/moto_api/_internal/urls.py). */
const RESET_PATH = '/moto-api/reset';

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function resetAccount(host: ProtocolHost, res: ServerResponse): void {
  host.world.reset?.();
  const body = JSON.stringify({ status: 'ok' });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

async function serve(
  target: ProtocolHost | { host: ProtocolHost },
  req: IncomingMessage,
  res: ServerResponse,
  options: SandboxServerOptions,
): Promise<void> {
  const host = 'host' in target ? target.host : target;
  if (options.resetApi && req.method === 'POST' && req.url?.split('?')[0] === RESET_PATH) {
    req.resume();
    resetAccount(host, res);
    return;
  }
  const headers = headersOf(req);
  const abort = new AbortController();
  // The client went away mid-latency: stop waiting for it.
  res.on('close', () => {
    if (!res.writableFinished) abort.abort(new Error('client closed the connection'));
  });
  try {
    const wire: WireRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers,
      body: decodeContentEncoding(await bodyBytes(req), headers['content-encoding']),
    };
    const answer = await handleRequest(host, wire, { signal: abort.signal });
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  } catch {
    if (!res.headersSent && !res.destroyed) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('sandbox: the request could not be answered');
    } else {
      res.destroy();
    }
  }
}

export async function startSandboxServer(
  host: ProtocolHost | { host: ProtocolHost },
  options: SandboxServerOptions = {},
): Promise<SandboxServer> {
  const server: Server = createServer((req, res) => {
    void serve(host, req, res, options);
  });
  const bindHost = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
        reject(
          new UsageError('SANDBOX_PORT_UNAVAILABLE', `cannot listen on ${bindHost}:${port}: ${error.code}`, {
            hint: 'pick another --port, or --port 0 for any free port',
            cause: error,
          }),
        );
      } else {
        reject(error);
      }
    };
    server.once('error', onError);
    server.listen(port, bindHost, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://${bindHost}:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
