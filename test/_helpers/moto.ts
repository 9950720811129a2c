/**
 * Starts moto's server (an AWS emulator no one here wrote) on a free loopback port for one test file, and
 * stops it after. `.ci/run` installs it with `pip install 'moto[server]'`.
 *
 * No server outlives the process that started it: moto runs under a small shell that stops it as soon as its
 * stdin reaches end of file. That stdin is a pipe from the test worker, which the kernel closes whenever the
 * worker ends (after its last test, on a crash, or when vitest kills it after a timeout), so a test that fails
 * or hangs before `stop()` still leaves no moto_server behind.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

export interface MotoServer {
  endpoint: string;
  port: number;
  /** Environment for a child `ecsdeploy` process or for SDK clients pointed at moto. */
  env: Record<string, string>;
  /** Wipes all state (moto's reset API). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * True when `moto_server` can be run. Tests skip (with a visible reason) when it cannot, except in CI, where
 * `.ci/run` sets ECSDEPLOY_REQUIRE_MOTO=1 and a missing emulator is an error rather than a silent skip.
 */
export function motoAvailable(): boolean {
  const ok = spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;
  if (!ok && process.env.ECSDEPLOY_REQUIRE_MOTO === '1') {
    throw new Error('moto_server is required (ECSDEPLOY_REQUIRE_MOTO=1) but is not installed: pip install "moto[server]"');
  }
  return ok;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * `sh -c WATCHDOG sh ARGS...`: moto_server runs in the background; a reader waits for end of file on the shell's
 * stdin (kept as fd 3: a background job's own stdin is /dev/null) and then stops it; the shell exits when moto
 * does, with its status, so an early exit still shows as the child's exit.
 */
const WATCHDOG = 'exec 3<&0; moto_server "$@" & server=$!; (read -r line <&3; kill "$server" 2>/dev/null) & wait "$server"';

/** Stops the whole process group (shell, reader, moto_server): `detached` made the shell its leader. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

export interface MotoOptions {
  /**
   * MOTO_ECS_SERVICE_RUNNING: the running count moto gives every service it creates. moto reports a service's
   * deployment IN_PROGRESS for as long as that is below its desired count (forever: it runs no tasks), and a plan
   * shows such a service as a rollout in flight; give at least the largest desired count to have them settled.
   */
  servicesRunning?: number;
}

export async function startMoto(options: MotoOptions = {}): Promise<MotoServer> {
  const port = await freePort();
  const child: ChildProcess = spawn('sh', ['-c', WATCHDOG, 'sh', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['pipe', 'ignore', 'pipe'],
    detached: true,
    ...(options.servicesRunning !== undefined
      ? { env: { ...process.env, MOTO_ECS_SERVICE_RUNNING: String(options.servicesRunning) } }
      : {}),
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok || res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`moto_server exited early: ${stderr}`);
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      throw new Error(`moto_server did not start within 30s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    port,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
    },
    reset: async () => {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        // End of file on stdin: the watchdog stops moto (SIGTERM) and the shell exits after it.
        child.stdin?.end();
        setTimeout(() => killGroup(child, 'SIGKILL'), 3000).unref();
      }),
  };
}

/**
 * A call to moto's EC2 query API: the project installs no EC2 client, and moto routes the request by the credential
 * scope in `Authorization` (it checks no signature). Throws when moto refuses the call.
 */
export async function motoEc2(endpoint: string, params: Record<string, string>): Promise<string> {
  const res = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=x',
    },
    body: new URLSearchParams({ Version: '2016-11-15', ...params }).toString(),
  });
  const xml = await res.text();
  if (!res.ok) throw new Error(`moto EC2 ${params.Action} failed: ${res.status} ${xml.slice(0, 300)}`);
  return xml;
}

/** Every `<name>value</name>` of an XML answer, in order. */
export function xmlValues(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([^<]+)</${name}>`, 'g'))].map((m) => m[1] as string);
}

/** The first `<name>value</name>` of an XML answer; throws when there is none. */
export function xmlValue(xml: string, name: string): string {
  const v = xmlValues(xml, name)[0];
  if (v === undefined) throw new Error(`no <${name}> in moto's answer`);
  return v;
}
