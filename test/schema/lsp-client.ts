/**
 * A minimal Language Server Protocol client over stdio, enough to drive yaml-language-server as an editor does:
 * Content-Length framing, requests matched to responses by id, and answers to the requests the server sends
 * (configuration, capability registration, progress). Every request has a timeout, and `stop()` always kills the
 * server.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createRequire } from 'node:module';

interface Message {
  id?: number | string;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { message: string };
}

export interface LspClient {
  request<T>(method: string, params: unknown): Promise<T>;
  notify(method: string, params: unknown): void;
  /** Messages the server sent without being asked (diagnostics, logs). */
  readonly notifications: Message[];
  stop(): Promise<void>;
}

const SERVER = createRequire(import.meta.url).resolve('yaml-language-server/bin/yaml-language-server');

/** Starts the server. `settings` answers its `workspace/configuration` requests (section `yaml`, ...). */
export function startYamlLanguageServer(settings: Record<string, unknown>, timeoutMs = 15_000): LspClient {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [SERVER, '--stdio'], { stdio: 'pipe' });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  const notifications: Message[] = [];
  let stderr = '';
  let nextId = 1;
  let buffer = Buffer.alloc(0);

  const write = (message: Message) => {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
    child.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
  };

  const answerServerRequest = (m: Message) => {
    if (m.method === 'workspace/configuration') {
      const items = (m.params as { items: { section?: string }[] }).items;
      write({ id: m.id as number, result: items.map((i) => (i.section ? (settings[i.section] ?? null) : settings)) });
    } else {
      // client/registerCapability, window/workDoneProgress/create, ...: acknowledged.
      write({ id: m.id as number, result: null });
    }
  };

  const onMessage = (m: Message) => {
    if (m.method !== undefined && m.id !== undefined) return answerServerRequest(m);
    if (m.method !== undefined) return void notifications.push(m);
    const waiting = pending.get(m.id as number);
    if (!waiting) return;
    pending.delete(m.id as number);
    clearTimeout(waiting.timer);
    if (m.error) waiting.reject(new Error(`${m.error.message}\n${stderr}`));
    else waiting.resolve(m.result);
  };

  child.stdout.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const headerEnd = buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString('ascii'))?.[1]);
      if (buffer.length < headerEnd + 4 + length) return;
      const body = buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      buffer = buffer.subarray(headerEnd + 4 + length);
      onMessage(JSON.parse(body) as Message);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  child.on('exit', (code) => {
    for (const [, p] of pending) p.reject(new Error(`yaml-language-server exited (${code}) before answering\n${stderr}`));
    pending.clear();
  });

  return {
    notifications,
    request<T>(method: string, params: unknown): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`yaml-language-server did not answer ${method} within ${timeoutMs} ms\n${stderr}`));
        }, timeoutMs);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        write({ id, method, params });
      });
    },
    notify(method: string, params: unknown): void {
      write({ method, params });
    },
    async stop(): Promise<void> {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
