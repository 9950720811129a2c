/**
 * A tiny local HTTP server that answers AWS JSON-protocol calls, for what aws-sdk-client-mock cannot show: the
 * mock replaces `client.send` itself, so the SDK's middleware (endpoint resolution, signing, retries) never runs
 * under it. Here the real client sends real requests.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface RecordedRequest {
  /** `X-Amz-Target` (JSON protocols), e.g. `AmazonEC2ContainerServiceV20141113.DescribeServices`. */
  target: string | undefined;
  authorization: string | undefined;
  body: string;
}

export interface FakeReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Never answer (for abort tests). */
  hang?: boolean;
  /** Send this text as the body instead of `body` as JSON (XML protocols). */
  raw?: string;
}

export interface FakeEndpoint {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeEndpoint(reply: (request: RecordedRequest, index: number) => FakeReply): Promise<FakeEndpoint> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const recorded: RecordedRequest = {
      target: req.headers['x-amz-target'] as string | undefined,
      authorization: req.headers.authorization,
      body: await readBody(req),
    };
    requests.push(recorded);
    const r = reply(recorded, requests.length - 1);
    if (r.hang) return;
    res.writeHead(r.status, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': `req-${requests.length}`,
      ...r.headers,
    });
    res.end(r.raw ?? JSON.stringify(r.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Environment with dummy keys, so no test ever reaches for real credentials. */
export const DUMMY_ENV = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'dummy-secret-for-tests' };
