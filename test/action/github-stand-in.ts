/**
 * A stand-in for the part of GitHub's REST API the action uses, on loopback: issue comments listed page by page
 * (`per_page`, `page`, `Link: rel="next"`, as GitHub paginates), created and updated. Every request is recorded,
 * so tests can say exactly which calls were made.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';

interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

interface StoredComment {
  id: number;
  body: string;
  html_url: string;
  user: { login: string };
}

export interface GitHubStandIn {
  url: string;
  requests: RecordedRequest[];
  /** Comments by issue number. */
  comments: Map<number, StoredComment[]>;
  /** Answer every create and update with this status (403: a token that may not comment). */
  refuseWritesWith: number | undefined;
  /** Adds comments to an issue as other people would write them. */
  seed(issue: number, bodies: string[]): void;
  close(): Promise<void>;
}

const REPO = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(?:(\d+)\/comments|comments\/(\d+))$/;

async function readBody(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : undefined;
}

export async function startGitHubStandIn(): Promise<GitHubStandIn> {
  let nextId = 1000;
  const state: GitHubStandIn = {
    url: '',
    requests: [],
    comments: new Map(),
    refuseWritesWith: undefined,
    seed(issue, bodies) {
      const list = state.comments.get(issue) ?? [];
      for (const body of bodies) list.push(comment(issue, body, 'someone'));
      state.comments.set(issue, list);
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
  const comment = (issue: number, body: string, login: string): StoredComment => {
    const id = nextId++;
    return { id, body, html_url: `https://github.example/acme/shop/pull/${issue}#issuecomment-${id}`, user: { login } };
  };

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = await readBody(req);
    state.requests.push({ method: req.method ?? '', path: `${url.pathname}${url.search}`, authorization: req.headers.authorization, body });
    const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(json));
    };
    const m = REPO.exec(url.pathname);
    if (!m) return send(404, { message: 'Not Found' });
    if (req.headers.authorization !== 'Bearer test-token-not-a-secret') return send(401, { message: 'Bad credentials' });
    const issue = m[3] ? Number(m[3]) : undefined;
    const id = m[4] ? Number(m[4]) : undefined;

    if (req.method === 'GET' && issue !== undefined) {
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100);
      const page = Number(url.searchParams.get('page') ?? 1);
      const all = state.comments.get(issue) ?? [];
      const items = all.slice((page - 1) * perPage, page * perPage);
      const headers: Record<string, string> = {};
      if (page * perPage < all.length) {
        const next = new URL(url);
        next.searchParams.set('page', String(page + 1));
        const last = new URL(url);
        last.searchParams.set('page', String(Math.ceil(all.length / perPage)));
        headers.link = `<${state.url}${next.pathname}${next.search}>; rel="next", <${state.url}${last.pathname}${last.search}>; rel="last"`;
      }
      return send(200, items, headers);
    }
    if (state.refuseWritesWith) return send(state.refuseWritesWith, { message: 'Resource not accessible by integration' });
    const text = (body as { body?: unknown } | undefined)?.body;
    if (typeof text !== 'string') return send(422, { message: 'body is required' });
    if (req.method === 'POST' && issue !== undefined) {
      if (text.length > 65_536) return send(422, { message: 'Body is too long (maximum is 65536 characters)' });
      const created = comment(issue, text, 'github-actions[bot]');
      state.comments.set(issue, [...(state.comments.get(issue) ?? []), created]);
      return send(201, created);
    }
    if (req.method === 'PATCH' && id !== undefined) {
      if (text.length > 65_536) return send(422, { message: 'Body is too long (maximum is 65536 characters)' });
      for (const list of state.comments.values()) {
        const found = list.find((c) => c.id === id);
        if (found) {
          found.body = text;
          return send(200, found);
        }
      }
      return send(404, { message: 'Not Found' });
    }
    return send(405, { message: 'Method Not Allowed' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  state.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return state;
}
