/**
 * The harness's one endpoint. moto's test suite in server mode sends every call to TEST_SERVER_MODE_ENDPOINT; this
 * front routes each by the SigV4 credential scope it was signed for: the services under test to the sandbox
 * (which keeps an account per region), everything else (EC2 for VPCs and subnets, IAM, STS, SNS...) to a moto
 * server so the tests can build their fixtures. moto's reset endpoint empties both. Every call is recorded against
 * the test that made it (the pytest plugin announces each test), so a failure can be traced to an operation the
 * sandbox does not serve.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { credentialScopeOf } from '../../src/sandbox/protocol/services.js';
import { createSandboxRuntime } from '../../src/sandbox/runtime.js';
import { startSandboxServer } from '../../src/sandbox/server.js';

/** Signing names the sandbox answers for (ECS, ELBv2, CloudWatch, CodeDeploy). */
const SANDBOX_SIGNING_NAMES = new Set(['ecs', 'elasticloadbalancing', 'monitoring', 'codedeploy']);
/** Classic ELB signs as `elasticloadbalancing` too; only ELBv2's API version goes to the sandbox. */
const ELBV2_VERSION = '2015-12-01';
const HARNESS_TEST_PATH = '/__harness/test';
const RESET_PATH = '/moto-api/reset';

export interface RoutedCall {
  /** pytest node id of the test running when the call arrived. */
  test: string | undefined;
  to: 'sandbox' | 'moto';
  service: string;
  region: string;
  operation: string;
  status: number;
  /** AWS error code of a failed call (from `x-amzn-errortype`, `__type` or `<Code>`). */
  errorCode?: string;
}

export interface Front {
  endpoint: string;
  /** Every call routed so far. */
  calls: RoutedCall[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

interface Upstream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Sends the request on as received (headers, body), and collects the answer. */
function forward(endpoint: string, req: IncomingMessage, body: Buffer): Promise<Upstream> {
  const url = new URL(endpoint);
  const headers = { ...req.headers, 'content-length': String(body.length) };
  delete headers['transfer-encoding'];
  delete headers.connection;
  return new Promise((resolve, reject) => {
    const up = request({ host: url.hostname, port: url.port, method: req.method, path: req.url, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    up.on('error', reject);
    up.end(body);
  });
}

function formParam(form: string, name: string): string | undefined {
  return new URLSearchParams(form).get(name) ?? undefined;
}

function operationOf(req: IncomingMessage, body: Buffer): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1);
  const query = req.url?.split('?')[1] ?? '';
  return formParam(query, 'Action') ?? formParam(body.toString('utf8'), 'Action') ?? `${req.method} ${req.url?.split('?')[0]}`;
}

function errorCodeOf(up: Upstream): string | undefined {
  if (up.status < 300) return undefined;
  const header = up.headers['x-amzn-errortype'];
  if (typeof header === 'string') return header.split(':')[0];
  const text = up.body.toString('utf8');
  const xml = /<Code>([^<]+)<\/Code>/.exec(text);
  if (xml) return xml[1];
  const json = /"__type"\s*:\s*"([^"]+)"/.exec(text);
  return json ? json[1]?.split('#').pop() : undefined;
}

export interface FrontOptions {
  motoEndpoint: string;
  port?: number;
  /** Route everything to moto, the sandbox's services too: the suite's baseline against moto's own server. */
  motoOnly?: boolean;
}

export async function startFront(options: FrontOptions): Promise<Front> {
  // Real time, as clients over HTTP wait with their own clocks; a fixed seed, so runs are comparable.
  const runtime = createSandboxRuntime({ speed: 1, randomSeed: 1 });
  const sandbox = await startSandboxServer(runtime, { port: 0, resetApi: true });
  const calls: RoutedCall[] = [];
  let currentTest: string | undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = req.url?.split('?')[0] ?? '/';
    if (path === HARNESS_TEST_PATH) {
      currentTest = body.toString('utf8') || undefined;
      res.writeHead(204).end();
      return;
    }
    if (path === RESET_PATH && req.method === 'POST') {
      const [fromMoto] = await Promise.all([forward(options.motoEndpoint, req, body), forward(sandbox.endpoint, req, body)]);
      res.writeHead(fromMoto.status, fromMoto.headers).end(fromMoto.body);
      return;
    }
    const scope = credentialScopeOf(req.headers.authorization);
    const version = formParam(body.toString('utf8'), 'Version') ?? formParam(req.url?.split('?')[1] ?? '', 'Version');
    const toSandbox =
      !options.motoOnly &&
      scope !== undefined &&
      SANDBOX_SIGNING_NAMES.has(scope.service) &&
      (scope.service !== 'elasticloadbalancing' || version === undefined || version === ELBV2_VERSION);
    const up = await forward(toSandbox ? sandbox.endpoint : options.motoEndpoint, req, body);
    const errorCode = errorCodeOf(up);
    calls.push({
      test: currentTest,
      to: toSandbox ? 'sandbox' : 'moto',
      service: scope?.service ?? 'unsigned',
      region: scope?.region ?? '',
      operation: operationOf(req, body),
      status: up.status,
      ...(errorCode ? { errorCode } : {}),
    });
    res.writeHead(up.status, up.headers).end(up.body);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`conformance front: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await sandbox.close();
    },
  };
}
