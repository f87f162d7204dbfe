/**
 * A local HTTP server that plays S3 for the signed-request clients' unit tests: it answers each
 * request with the next of its scripted answers (the last one again when they run out) and keeps
 * what came, so that a test reads the method, path, headers and body a client signed and sent.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the server received it. */
export type SeenRequest = {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
};

/** Starts the server on 127.0.0.1; `close()` stops it. */
export async function fakeS3(
  answers: Array<{ status: number; body?: string; headers?: Record<string, string> }>,
) {
  const seen: SeenRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = answers[Math.min(seen.length - 1, answers.length - 1)];
      response.writeHead(answer?.status ?? 500, answer?.headers ?? {});
      response.end(answer?.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { seen, endpoint: `http://127.0.0.1:${port}`, close: () => server.close() };
}
