/** Request bodies as the front ends receive them: collected to bytes, gzip undone (CloudWatch compresses). */
import { gunzipSync } from 'node:zlib';

export async function bodyBytes(body: unknown): Promise<Uint8Array> {
  if (body === undefined || body === null) return new Uint8Array();
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body as AsyncIterable<unknown>) {
      chunks.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : (chunk as Uint8Array));
    }
    return Buffer.concat(chunks);
  }
  return new TextEncoder().encode(String(body));
}

export function decodeContentEncoding(body: Uint8Array, encoding: string | undefined): Uint8Array {
  if (encoding && /\bgzip\b/i.test(encoding)) return gunzipSync(body);
  return body;
}
