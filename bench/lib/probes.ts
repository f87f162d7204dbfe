/**
 * What the benchmark sees of the desk from inside its process, without touching the desk's
 * code: a middleware on the AWS clients the handlers use (every request counted, timed, and
 * the transactions read to learn when each mail's outcome was recorded), and a hook on the
 * SES stand-in's store (the exact moment each mail lands in the outbox).
 */
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { RunningDesk } from '#local/stack.ts';
import type { Outcome } from '#shared/domain/outcome.ts';
import type { OpenTicket } from './corpus.ts';

/** One request kind on one service: how many, how they failed, how long they took. */
export type OpStats = {
  requests: number;
  failed: number;
  errors: Record<string, number>;
  /** TransactWriteItems: actions carried by the requests (failed ones included). */
  items: number;
  durationsMs: number[];
};

/** Everything counted since the last `take()`. */
export type CounterSnapshot = {
  dynamodb: Record<string, OpStats>;
  ses: Record<string, OpStats>;
  sqs: Record<string, OpStats>;
  s3: Record<string, OpStats>;
  /** Refused transaction actions, by item kind (`SEQUENCE/LAST`, `QUOTA/COUNT`...) and reason. */
  refusals: Record<string, Record<string, number>>;
  /** Tickets opened by each successful transaction of the ticket step (its batch of new tickets). */
  ticketsPerTransaction: number[];
};

/** Request names DynamoDB bills as reads and as writes. */
export const DYNAMODB_READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
export const DYNAMODB_WRITES = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);

type Service = 'dynamodb' | 'ses' | 'sqs' | 's3';

/** Counts requests per service and operation; `take()` returns the counts and starts afresh. */
export class RequestCounters {
  #current: CounterSnapshot = RequestCounters.#empty();

  static #empty(): CounterSnapshot {
    return { dynamodb: {}, ses: {}, sqs: {}, s3: {}, refusals: {}, ticketsPerTransaction: [] };
  }

  record(service: Service, op: string, durationMs: number, error: string | undefined, items = 0): void {
    const byOp = this.#current[service];
    const stats = byOp[op] ?? { requests: 0, failed: 0, errors: {}, items: 0, durationsMs: [] };
    byOp[op] = stats;
    stats.requests++;
    stats.items += items;
    stats.durationsMs.push(durationMs);
    if (error !== undefined) {
      stats.failed++;
      stats.errors[error] = (stats.errors[error] ?? 0) + 1;
    }
  }

  refused(kind: string, code: string): void {
    const byCode = this.#current.refusals[kind] ?? {};
    this.#current.refusals[kind] = byCode;
    byCode[code] = (byCode[code] ?? 0) + 1;
  }

  ticketsOpened(count: number): void {
    this.#current.ticketsPerTransaction.push(count);
  }

  take(): CounterSnapshot {
    const taken = this.#current;
    this.#current = RequestCounters.#empty();
    return taken;
  }
}

/** What became of one received mail, with the moments it passed each step (performance.now()). */
export type MailTrace = {
  outcome?: Outcome;
  /** The automatic reply its intake entry asks for, if any. */
  reply?: string;
  recordedAt?: number;
  ticketNumber?: string;
  /** When its message was written on a ticket (opened, or added as a follow-up). */
  ticketedAt?: number;
  ackAt?: number;
  replyAt?: number;
};

/** One mail as it landed in the SES stand-in's outbox. */
export type OutboxMail = {
  at: number;
  outboxId: string;
  messageId: string;
  to: string;
  subject: string;
  headers: Array<{ name: string; value: string }>;
};

/** The traces of every mail, fed by the probes. */
export class Tracker {
  readonly traces = new Map<string, MailTrace>();
  /** Tickets whose acknowledgment has gone out, for follow-ups to answer. */
  readonly openTickets: OpenTicket[] = [];
  readonly outbox: OutboxMail[] = [];

  trace(sesMessageId: string): MailTrace {
    let trace = this.traces.get(sesMessageId);
    if (!trace) {
      trace = {};
      this.traces.set(sesMessageId, trace);
    }
    return trace;
  }

  recorded(sesMessageId: string, outcome: Outcome, reply: string | undefined, at: number): void {
    const trace = this.trace(sesMessageId);
    // A redelivery rewrites nothing: the first record is the one.
    if (trace.recordedAt !== undefined) return;
    Object.assign(trace, { outcome, reply, recordedAt: at });
  }

  ticketed(sesMessageId: string, ticketNumber: string, at: number): void {
    const trace = this.trace(sesMessageId);
    if (trace.ticketedAt !== undefined) return;
    Object.assign(trace, { ticketNumber, ticketedAt: at });
  }

  sent(mail: OutboxMail): void {
    this.outbox.push(mail);
    const [sesMessageId = '', purpose] = mail.outboxId.split('.');
    const trace = this.trace(sesMessageId);
    if (purpose === 'ack') {
      trace.ackAt ??= mail.at;
      const number = /\[(LSUN-\d{4}-\d+)\]/.exec(mail.subject)?.[1];
      if (number) {
        this.openTickets.push({
          ticketNumber: number,
          requester: mail.to,
          ackSubject: mail.subject,
          references: headerOf(mail.headers, 'References') ?? '',
          ackMessageId: `${mail.messageId}@eu-west-1.amazonses.com`,
        });
      }
    } else if (purpose === 'reply') {
      trace.replyAt ??= mail.at;
    }
  }
}

function headerOf(headers: Array<{ name: string; value: string }>, name: string): string | undefined {
  return headers.find((header) => header.name.toLowerCase() === name.toLowerCase())?.value;
}

type AttributeValue = { S?: string; N?: string; BOOL?: boolean };
type MarshalledItem = Record<string, AttributeValue | undefined>;
type TransactAction = {
  Put?: { Item?: MarshalledItem };
  Update?: { Key?: MarshalledItem };
  Delete?: { Key?: MarshalledItem };
  ConditionCheck?: { Key?: MarshalledItem };
};

/** `SEQUENCE/LAST`, `QUOTA/COUNT`, `MAIL/ENTRY`, `TICKET/MSG`...: what a transaction action touches. */
function kindOf(action: TransactAction): string {
  const key =
    action.Put?.Item ?? action.Update?.Key ?? action.Delete?.Key ?? action.ConditionCheck?.Key ?? {};
  const pk = key.pk?.S ?? '?';
  const sk = key.sk?.S ?? '?';
  return `${pk.split('#')[0]}/${sk.split('#')[0]}`;
}

/**
 * Reads a successful transaction for the intake entries and ticket messages it wrote, and for
 * how many tickets it opened (the ticket step opens a batch's new tickets in one transaction).
 */
function noteTransaction(
  tracker: Tracker,
  counters: RequestCounters,
  actions: TransactAction[],
  at: number,
): void {
  let opened = 0;
  for (const action of actions) {
    const item = action.Put?.Item;
    if (!item) continue;
    const pk = item.pk?.S ?? '';
    const sk = item.sk?.S ?? '';
    if (pk.startsWith('MAIL#') && sk === 'ENTRY') {
      const outcome = item.outcome?.S as Outcome | undefined;
      if (outcome) tracker.recorded(pk.slice(5), outcome, item.reply?.S, at);
    } else if (pk.startsWith('TICKET#') && sk === 'TICKET') {
      opened++;
    } else if (pk.startsWith('TICKET#') && sk.startsWith('MSG#') && item.direction?.S === 'in') {
      const sesMessageId = item.sesMessageId?.S;
      if (sesMessageId) tracker.ticketed(sesMessageId, pk.slice(7), at);
    }
  }
  if (opened > 0) counters.ticketsOpened(opened);
}

type Stack = {
  add(
    middleware: (
      next: (args: unknown) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: unknown) => Promise<unknown>,
    options: { step: 'deserialize'; name: string; priority: 'high' },
  ): void;
  remove(name: string): boolean;
};

const PROBE_NAME = 'lsunBenchProbe';

/**
 * Puts the probe on a client's middleware stack, in the deserialize step: inside the SDK's
 * retry loop, so every HTTP request is counted (retries included), and outside the
 * deserializer, so errors arrive as the SDK's exceptions with their cancellation reasons.
 * Returns a function that takes it off again.
 */
export function probeClient(
  client: { middlewareStack: unknown },
  service: Service,
  counters: RequestCounters,
  tracker: Tracker,
): () => void {
  const stack = client.middlewareStack as Stack;
  stack.add(
    (next, context) => async (args) => {
      const { request, input } = args as {
        request?: { headers?: Record<string, string> };
        input?: { TransactItems?: TransactAction[] };
      };
      const target = request?.headers?.['x-amz-target'];
      const op = target?.split('.')[1] ?? (context.commandName ?? 'Unknown').replace(/Command$/, '');
      const actions = op === 'TransactWriteItems' ? (input?.TransactItems ?? []) : [];
      const started = performance.now();
      try {
        const result = await next(args);
        const now = performance.now();
        counters.record(service, op, now - started, undefined, actions.length);
        if (actions.length > 0) noteTransaction(tracker, counters, actions, now);
        return result;
      } catch (error) {
        const name = error instanceof Error ? error.name : 'Error';
        counters.record(service, op, performance.now() - started, name, actions.length);
        const reasons =
          (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
        reasons.forEach((reason, index) => {
          if (reason.Code && reason.Code !== 'None') {
            const action = actions[index];
            counters.refused(action ? kindOf(action) : '?', reason.Code);
          }
        });
        throw error;
      }
    },
    { step: 'deserialize', name: PROBE_NAME, priority: 'high' },
  );
  return () => void stack.remove(PROBE_NAME);
}

/** The desk's outbox feed (`RunningDesk.onSentMail`): its SES stand-in runs in another process. */
export type OutboxFeed = Pick<RunningDesk, 'onSentMail'>;

/**
 * Follows the SES stand-in's outbox: the desk tells of each mail the instant the stand-in has
 * stored it (the moment it becomes visible at `GET /store`), with the stand-in's own timestamp,
 * so there is no polling and no cost to the desk's thread. Returns a function that unhooks, and
 * one that counts the mails in the store (to check the hook saw them all).
 */
export function hookOutbox(
  tracker: Tracker,
  desk: OutboxFeed,
): { unhook: () => void; storedCount: () => number } {
  let stored = 0;
  const unhook = desk.onSentMail((mail) => {
    stored = Math.max(stored, mail.stored);
    tracker.sent({
      at: mail.at,
      outboxId: headerOf(mail.headers, 'X-Assistance-LSUN') ?? '',
      messageId: mail.messageId,
      to: mail.to[0] ?? '',
      subject: mail.subject,
      headers: mail.headers,
    });
  });
  return { unhook, storedCount: () => stored };
}

/** The local stand-ins' ports, to name the service each HTTP request of this process goes to. */
export type StandInPorts = { dynamodb: number; fauxqs: number; ses: number; rawMailBucket: string };

/**
 * Counts every HTTP request this process makes, whoever makes it: the handlers' clients, but
 * also the local runner's polls and deletes, which the middleware on the handlers' clients does
 * not see (the SMTP stand-in runs on the stand-ins' thread and puts each raw mail straight into
 * fauxqs's store). Each request is a round trip through Node's HTTP stack on both ends, which is
 * what the CPU profile shows the Node side spends most of its time on.
 */
export function countHttpRequests(ports: StandInPorts): { take(): Record<string, number>; stop(): void } {
  let counts: Record<string, number> = {};
  const onStart = (message: unknown) => {
    const request = (message as { request: ClientRequest }).request;
    const port = Number(String(request.getHeader('host') ?? '').split(':')[1]);
    const target = String(request.getHeader('x-amz-target') ?? '');
    let name: string;
    if (port === ports.dynamodb) name = `DynamoDB Local ${target.split('.')[1] ?? ''}`.trim();
    else if (port === ports.ses) name = `SES ${request.method} ${request.path.split('?')[0]}`;
    else if (port === ports.fauxqs) {
      name = request.path.startsWith(`/${ports.rawMailBucket}`)
        ? `S3 ${request.method === 'PUT' ? 'PutObject' : request.method === 'GET' ? 'GetObject' : request.method}`
        : `SQS ${target.split('.')[1] ?? request.method}`;
    } else name = `autre ${request.host}:${port || '?'}`;
    counts[name] = (counts[name] ?? 0) + 1;
  };
  diagnostics.subscribe('http.client.request.start', onStart);
  return {
    take() {
      const taken = counts;
      counts = {};
      return taken;
    },
    stop: () => diagnostics.unsubscribe('http.client.request.start', onStart),
  };
}
