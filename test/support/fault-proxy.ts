/**
 * A fault-injecting HTTP proxy between the desk's handlers and one AWS stand-in (DynamoDB Local,
 * fauxqs's SQS or S3, the SES v2 stand-in). The handlers reach it through the SDK's endpoint
 * variables (`AWS_ENDPOINT_URL_DYNAMODB`…, `startDesk({ env })`), so they run unchanged while
 * their calls meet what AWS does to real functions:
 *
 * - throttling and 500s before a request is forwarded, with the body AWS sends, so the SDK
 *   recognises them and retries as it would (`ProvisionedThroughputExceededException`,
 *   `ThrottlingException`, SES's 429 `TooManyRequestsException`);
 * - a handler crash after a write: the write is forwarded and done, then the answer is a 500 or
 *   a cut connection, and every retry of the same SDK call (same `amz-sdk-invocation-id`) meets
 *   the same end without reaching the stand-in, as a dead function's would: the handler fails,
 *   its record comes back;
 * - SQS delivering a message more than once: each SendMessage or SendMessageBatch is forwarded
 *   `deliveries` times (the first time its body is seen), and the first answer is returned;
 * - SES refusing some recipients for good (400 `MessageRejected`), always the same ones.
 *
 * Each decision draws from a random stream of its own per fault kind and operation, seeded from
 * `seed`: a run's sequence of decisions per operation is fixed by the seed; which request meets
 * which decision follows the order requests arrive in, which concurrency varies.
 */
import { createHash } from 'node:crypto';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import { seededRandom } from '../../bench/lib/random.ts';

/** The stand-in a proxy sits in front of: it decides the operations' names and the error bodies. */
export type FaultService = 'dynamodb' | 'sqs' | 's3' | 'ses';

/** How often each fault strikes, as a share of the requests it may strike (0 to 1). */
export type FaultRates = {
  /** Throttling answered before forwarding (DynamoDB: 400 throughput exceeded or throttling; SES: 429). */
  throttle?: number;
  /** A 500 answered before forwarding. */
  serverError?: number;
  /** A write forwarded, then answered 500 or cut: the handler dies after its write. */
  crashAfterWrite?: number;
  /**
   * SQS: how many times each distinct message sent is forwarded (1: once, as asked); the same
   * message sent again (by a redelivered record's handler) is forwarded once.
   */
  deliveries?: number;
  /** SES: the recipients refused for good (400 MessageRejected), decided by their address. */
  refuses?: (recipient: string) => boolean;
};

/** The faults a proxy counts, by kind. */
export type FaultKind =
  | 'throttle'
  | 'server_error'
  | 'crash_after_write_500'
  | 'crash_after_write_cut'
  | 'crash_retry_refused'
  | 'extra_delivery'
  | 'rejected';

export type FaultProxyOptions = {
  service: FaultService;
  /** The stand-in's endpoint, `http://127.0.0.1:PORT`. */
  target: string;
  /** Where the proxy listens on 127.0.0.1; 0 picks a free port. */
  port?: number;
  seed: number;
  rates: FaultRates;
};

export type FaultProxy = {
  /** `http://127.0.0.1:PORT`, for the handlers' endpoint variable. */
  endpoint: string;
  service: FaultService;
  /** Faults injected so far, by kind. */
  faults(): Partial<Record<FaultKind, number>>;
  /** Requests received, by operation (`PutItem`, `SendMessage`, `SendEmail`, `PutObject`…). */
  requests(): Record<string, number>;
  /** Requests received and not answered yet (a stand-in that stopped answering shows here). */
  inFlight(): number;
  /** Turns every fault off (or on again): checks after a campaign read through a quiet proxy. */
  setEnabled(enabled: boolean): void;
  stop(): Promise<void>;
};

/** The writes after which a handler may crash. */
const WRITES: Record<FaultService, ReadonlySet<string>> = {
  dynamodb: new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem']),
  sqs: new Set(['SendMessage', 'SendMessageBatch']),
  s3: new Set(['PutObject']),
  ses: new Set(['SendEmail']),
};

/** Where the last crash of an SDK call ended it, by invocation id, so its retries end the same way. */
type CrashEnd = 'crash_after_write_500' | 'crash_after_write_cut';

/** A request as the proxy forwards it: bought in full first, since it may go out several times. */
type Buffered = { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer };

type Answer = { status: number; headers: OutgoingHttpHeaders; body: Buffer };

/** Starts a proxy in front of `target`; resolves once it listens. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const { service, rates } = options;
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const faults: Partial<Record<FaultKind, number>> = {};
  const requests: Record<string, number> = {};
  const crashed = new Map<string, CrashEnd>();
  const streams = new Map<string, () => number>();
  let enabled = true;
  let inFlight = 0;

  /** The random stream of one decision about one operation: fixed by the seed. */
  const draw = (decision: string, operation: string): number => {
    const name = `${decision}:${operation}`;
    let stream = streams.get(name);
    if (!stream) {
      stream = seededRandom(seedOf(options.seed, service, name)).next;
      streams.set(name, stream);
    }
    return stream();
  };
  const strikes = (rate: number | undefined, decision: string, operation: string) =>
    enabled && rate !== undefined && rate > 0 && draw(decision, operation) < rate;
  const count = (kind: FaultKind, by = 1) => {
    faults[kind] = (faults[kind] ?? 0) + by;
  };

  const forward = (request: Buffered): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const headers: OutgoingHttpHeaders = { ...request.headers, host: target.host };
      delete headers['transfer-encoding'];
      delete headers.connection;
      headers['content-length'] = String(request.body.length);
      const outgoing = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: request.method,
          path: request.url,
          headers,
          agent,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const answerHeaders: OutgoingHttpHeaders = { ...response.headers };
            delete answerHeaders['transfer-encoding'];
            delete answerHeaders.connection;
            delete answerHeaders['keep-alive'];
            const body = Buffer.concat(chunks);
            answerHeaders['content-length'] = String(body.length);
            resolve({ status: response.statusCode ?? 502, headers: answerHeaders, body });
          });
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(request.body);
    });

  /**
   * How many times to forward a write: SQS's sends `deliveries` times the first time their body is
   * seen, once after that. A redelivered record makes its handler send the same message again;
   * tripling that one too would compound through the chain (3 intake copies, 9 ticket commands,
   * 27 mails to send per mail), whereas every distinct message is delivered three times already.
   */
  const seenBodies = new Set<string>();
  function copiesOf(request: Buffered): number {
    if (service !== 'sqs' || !enabled) return 1;
    const digest = createHash('sha256').update(request.body).digest('base64');
    if (seenBodies.has(digest)) return 1;
    seenBodies.add(digest);
    return Math.max(1, Math.floor(rates.deliveries ?? 1));
  }

  async function handle(incoming: IncomingMessage, reply: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const request: Buffered = {
      method: incoming.method ?? 'GET',
      url: incoming.url ?? '/',
      headers: incoming.headers,
      body: Buffer.concat(chunks),
    };
    const operation = operationOf(service, request);
    requests[operation] = (requests[operation] ?? 0) + 1;
    const invocation = String(incoming.headers['amz-sdk-invocation-id'] ?? '');

    // A retry of a call whose handler "crashed": the function is gone, nothing reaches the stand-in.
    const crash = invocation ? crashed.get(invocation) : undefined;
    if (crash && enabled) {
      count('crash_retry_refused');
      return endAsCrashed(crash, reply);
    }

    if (strikes(rates.throttle, 'throttle', operation)) {
      count('throttle');
      return send(reply, throttling(service, draw('throttle-kind', operation)));
    }
    if (strikes(rates.serverError, 'server-error', operation)) {
      count('server_error');
      return send(reply, serverError(service));
    }
    if (service === 'ses' && operation === 'SendEmail' && rates.refuses && enabled) {
      const refused = recipientsOf(request.body).filter((recipient) => rates.refuses?.(recipient));
      if (refused.length > 0) {
        count('rejected');
        return send(reply, rejection());
      }
    }

    const isWrite = WRITES[service].has(operation);
    const copies = isWrite ? copiesOf(request) : 1;
    const answers: Answer[] = [];
    // The copies go out together: SQS takes them as one send, a moment apart.
    answers.push(...(await Promise.all(Array.from({ length: copies }, () => forward(request)))));
    const [answer] = answers;
    if (answer === undefined) throw new Error('no answer forwarded');
    if (copies > 1 && answer.status < 300) count('extra_delivery', copies - 1);

    if (isWrite && answer.status < 300 && strikes(rates.crashAfterWrite, 'crash', operation)) {
      const end: CrashEnd =
        draw('crash-kind', operation) < 0.5 ? 'crash_after_write_500' : 'crash_after_write_cut';
      count(end);
      if (invocation) crashed.set(invocation, end);
      return endAsCrashed(end, reply);
    }
    return send(reply, answer);
  }

  function endAsCrashed(end: CrashEnd, reply: ServerResponse): void {
    if (end === 'crash_after_write_cut') {
      reply.socket?.destroy();
      return;
    }
    send(reply, serverError(service));
  }

  const server: Server = createServer((incoming, reply) => {
    inFlight++;
    reply.once('close', () => {
      inFlight--;
    });
    handle(incoming, reply).catch(() => {
      // The stand-in did not answer (stopping, say): the client sees a 502 and retries.
      if (!reply.headersSent) send(reply, { status: 502, headers: {}, body: Buffer.alloc(0) });
      else reply.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });

  return {
    endpoint: `http://127.0.0.1:${port}`,
    service,
    faults: () => ({ ...faults }),
    requests: () => ({ ...requests }),
    inFlight: () => inFlight,
    setEnabled(value) {
      enabled = value;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

function send(reply: ServerResponse, answer: Answer): void {
  reply.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
  reply.end(answer.body);
}

/**
 * The operation a request asks for: the JSON protocols name it in `X-Amz-Target` (DynamoDB,
 * SQS), the REST ones in their method and path (S3, SES v2).
 */
export function operationOf(
  service: FaultService,
  request: Pick<Buffered, 'method' | 'url' | 'headers'>,
): string {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').at(-1) ?? target;
  const path = (request.url.split('?')[0] ?? '').replace(/\/+$/, '');
  if (service === 's3') {
    const segments = path.split('/').filter(Boolean);
    const isObject = segments.length >= 2;
    if (request.method === 'PUT')
      return isObject && !request.headers['x-amz-copy-source'] ? 'PutObject' : 'PutOther';
    if (request.method === 'GET') return isObject ? 'GetObject' : 'ListObjects';
    return `${request.method}${isObject ? 'Object' : 'Bucket'}`;
  }
  if (service === 'ses') {
    if (request.method === 'POST' && path === '/v2/email/outbound-emails') return 'SendEmail';
    if (request.method === 'POST' && path === '/v2/email/outbound-bulk-emails') return 'SendBulkEmail';
    return `${request.method} ${path}`;
  }
  return `${request.method} ${path}`;
}

/** The recipients of an SES v2 SendEmail body. */
function recipientsOf(body: Buffer): string[] {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as {
      Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
    };
    const destination = parsed.Destination ?? {};
    return [
      ...(destination.ToAddresses ?? []),
      ...(destination.CcAddresses ?? []),
      ...(destination.BccAddresses ?? []),
    ].map((address) => (/<([^>]+)>/.exec(address)?.[1] ?? address).trim().toLowerCase());
  } catch {
    return [];
  }
}

const json = (status: number, body: unknown, headers: OutgoingHttpHeaders = {}): Answer => {
  const bytes = Buffer.from(JSON.stringify(body));
  return { status, headers: { 'content-type': 'application/x-amz-json-1.0', ...headers }, body: bytes };
};

/** Throttling as each service answers it (`pick` chooses between DynamoDB's two kinds). */
function throttling(service: FaultService, pick: number): Answer {
  switch (service) {
    case 'dynamodb':
      return pick < 0.5
        ? json(400, {
            __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
            message:
              'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
          })
        : json(400, {
            __type: 'com.amazon.coral.availability#ThrottlingException',
            message: 'Rate of requests exceeds the allowed throughput.',
          });
    case 'sqs':
      return json(
        400,
        { __type: 'com.amazonaws.sqs#RequestThrottled', message: 'Request is throttled.' },
        { 'x-amzn-query-error': 'RequestThrottled;Sender' },
      );
    case 's3':
      return xmlError(503, 'SlowDown', 'Please reduce your request rate.');
    case 'ses':
      return {
        status: 429,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' },
        body: Buffer.from(JSON.stringify({ message: 'Maximum sending rate exceeded.' })),
      };
  }
}

/** A 500 as each service answers it. */
function serverError(service: FaultService): Answer {
  switch (service) {
    case 'dynamodb':
      return json(500, {
        __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
        message: 'Internal server error',
      });
    case 'sqs':
      return json(
        500,
        { __type: 'com.amazonaws.sqs#InternalError', message: 'We encountered an internal error.' },
        { 'x-amzn-query-error': 'InternalError;Receiver' },
      );
    case 's3':
      return xmlError(500, 'InternalError', 'We encountered an internal error. Please try again.');
    case 'ses':
      return {
        status: 500,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalFailure' },
        body: Buffer.from(JSON.stringify({ message: 'Internal failure.' })),
      };
  }
}

/** SES's permanent refusal of a recipient. */
function rejection(): Answer {
  return {
    status: 400,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'MessageRejected' },
    body: Buffer.from(JSON.stringify({ message: 'Email address is on the suppression list.' })),
  };
}

function xmlError(status: number, code: string, message: string): Answer {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  return { status, headers: { 'content-type': 'application/xml' }, body: Buffer.from(body) };
}

/** A 32-bit seed from the run's seed and the stream's name. */
function seedOf(seed: number, ...names: string[]): number {
  return createHash('sha256')
    .update(`${seed}:${names.join(':')}`)
    .digest()
    .readUInt32LE(0);
}

/**
 * Whether `recipient` is among the addresses SES refuses for good in a run of `seed`: a fixed
 * share of addresses, the same ones for the same seed.
 */
export function refusedForGood(seed: number, share: number): (recipient: string) => boolean {
  return (recipient) => seedOf(seed, 'refuse', recipient.trim().toLowerCase()) / 4_294_967_296 < share;
}
