/**
 * What becomes of a mail the desk sends, on the real handlers against DynamoDB Local, fauxqs and
 * the SES stand-in, with SES's refusals injected by `aws-sdk-client-mock` on the SESv2 client:
 * a final refusal ends `failed` and staff see it on the ticket, in the mail log and on the
 * dashboard; throttling is retried and sent once; a mailer that died between its claim and its send leaves an `unknown`
 * (« envoi incertain »), never a second mail; a queue message lost after its record is queued
 * again by the sweeper; and a raw mail gone fails its intake message, named in the log.
 */
import { randomBytes } from 'node:crypto';
import { SESv2Client, SESv2ServiceException, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeDirectoryStore } from '#shared/adapters/directory-store.ts';
import { keys } from '#shared/adapters/keys.ts';
import { makeOutboxStore } from '#shared/adapters/outbox-store.ts';
import { makeQueue } from '#shared/adapters/queue.ts';
import { importDirectoryFile } from '#shared/directory/import.ts';
import { OutboxMessage } from '#shared/domain/messages.ts';
import { UNKNOWN_SEND_REASON } from '#shared/domain/send-status.ts';
import { logger } from '#shared/logger.ts';
import { REQUEUE_AFTER_SECONDS, sweepOutbox } from '#shared/steps/outbox-sweep.ts';
import { dashboard, intakeDetail, ticketDetail } from '#shared/steps/staff/reads.ts';
import { type Desk, lambdaContext, passingVerdicts, sesEvent, startTestDesk } from '../support/desk.ts';
import { sentMails } from '../support/outbox.ts';
import { staffDeps } from '../support/staff.ts';

const DIRECTORY = [
  'uai;ecole;commune;circonscription;departement;civilite;nom;prenom;email',
  ...Array.from(
    { length: 8 },
    (_, i) =>
      `0211234C;École élémentaire Les Tilleuls;Dijon;Dijon Centre;21;Mme;Envoi;Dir${i};send${i}@ac-dijon.fr`,
  ),
].join('\n');

let desk: Desk;
let table: { client: Desk['db']; tableName: string };
let ses: ReturnType<typeof mockClient> | undefined;

beforeAll(async () => {
  desk = await startTestDesk('send-states');
  table = { client: desk.db, tableName: desk.resources.tableName };
  const report = await importDirectoryFile(DIRECTORY, makeDirectoryStore(table), {
    apply: true,
    now: new Date(),
    actor: 'test',
  });
  expect(report.rejected).toEqual([]);
});

afterEach(() => {
  ses?.restore();
  ses = undefined;
  vi.restoreAllMocks();
});

afterAll(() => desk?.stop());

/** Every SESv2 client of this process (the mailer's included) answers as `answer` says. */
function sesAnswers() {
  ses = mockClient(SESv2Client);
  return ses;
}

function sesRefusal(name: string, httpStatusCode: number) {
  return new SESv2ServiceException({
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode },
    message: name,
  });
}

/** A director's mail through screen and ticket, stopping before the mailer. */
async function toOutbox(from: string, subject: string) {
  const id = await desk.receive({ from, subject });
  await desk.pumpOnce('intake');
  await desk.pumpOnce('tickets');
  return id;
}

async function ticketNumberOf(sesMessageId: string) {
  const detail = await intakeDetail(sesMessageId, staffDeps(table).deps);
  return detail.entry.ticketNumber ?? '';
}

describe('a final refusal by SES', () => {
  it('ends failed, with SES’s code and a French reason, on the ticket’s page and in the mail log', async () => {
    // Prepare: SES rejects every mail for good
    const mock = sesAnswers();
    mock.on(SendEmailCommand).rejects(sesRefusal('MessageRejected', 400));
    const opened = await toOutbox('send0@ac-dijon.fr', 'LSUN bulletins');
    const unanswered = await desk.receive({ from: 'send1@ac-dijon.fr', subject: 'Bulletins' });
    await desk.pumpOnce('intake');
    // Act: the mailer consumes both, and nothing is left to retry
    const pumped = await desk.pumpOnce('outbox');
    expect(pumped).toMatchObject({ delivered: 2, failed: 0 });
    // Assess: the ticket's acknowledgment
    const ticket = await ticketDetail(await ticketNumberOf(opened), staffDeps(table).deps);
    const ack = ticket.messages.find((entry) => entry.kind === 'message' && entry.direction === 'out');
    expect(ack).toMatchObject({
      status: 'failed',
      sendError: 'MessageRejected',
      sendReason: expect.stringMatching(/^SES a refusé le message/),
      failedAt: expect.any(String),
    });
    // …and the automatic reply in the mail log
    const detail = await intakeDetail(unanswered, staffDeps(table).deps);
    expect(detail.entry.outcome).toBe('no_keyword');
    expect(detail.reply).toMatchObject({ status: 'failed', sendError: 'MessageRejected' });
    expect(mock.commandCalls(SendEmailCommand)).toHaveLength(2);
    // A redelivery sends nothing more
    await desk.pumpOnce('outbox');
    expect(mock.commandCalls(SendEmailCommand)).toHaveLength(2);
    // …and the dashboard counts them
    const figures = await dashboard(staffDeps(table, () => new Date()).deps);
    expect(figures.sendProblems).toEqual({ failed: 2, unknown: 0 });
  });
});

describe('throttling by SES', () => {
  it('gives the claim back and fails the record; the retry sends it once and records SES’s id', async () => {
    const mock = sesAnswers();
    mock
      .on(SendEmailCommand)
      .rejectsOnce(sesRefusal('TooManyRequestsException', 429))
      .resolves({ MessageId: 'ses-out-throttled' });
    const opened = await toOutbox('send2@ac-dijon.fr', 'LSUN notes');
    // Act
    const first = await desk.pumpOnce('outbox');
    const retry = await desk.pumpOnce('outbox');
    // Assess
    expect([first.failed, retry.failed]).toEqual([1, 0]);
    const ticket = await ticketDetail(await ticketNumberOf(opened), staffDeps(table).deps);
    expect(
      ticket.messages.find((entry) => entry.kind === 'message' && entry.direction === 'out'),
    ).toMatchObject({
      status: 'sent',
      sentMessageId: 'ses-out-throttled',
      sentAt: expect.any(String),
    });
    expect(mock.commandCalls(SendEmailCommand)).toHaveLength(2);
  });
});

describe('a mailer that died between its claim and its send', () => {
  it('leaves the mail unknown (« envoi incertain ») once its lease is over, and it is never sent', async () => {
    // Prepare: the acknowledgment is claimed by a delivery that then died, its lease long over
    const opened = await toOutbox('send3@ac-dijon.fr', 'LSUN livret');
    const number = await ticketNumberOf(opened);
    const store = makeOutboxStore(table);
    const queued = await store.queuedBefore('9999', 1000);
    const message = queued.find((mail) => mail.message.outboxId === `${opened}.ack`)?.message;
    if (!message) throw new Error('the acknowledgment is not queued');
    const claimed = await store.claimSend(message, '2020-01-01T00:00:00.000Z', '2020-01-01T00:01:00.000Z');
    expect(claimed.claimed).toBe(true);
    const before = (await sentMails(desk.test.endpoints.ses, 'send3@ac-dijon.fr')).length;
    // Act: SQS delivers the message again
    await desk.pumpOnce('outbox');
    // Assess
    const after = await ticketDetail(number, staffDeps(table).deps);
    expect(
      after.messages.find((entry) => entry.kind === 'message' && entry.direction === 'out'),
    ).toMatchObject({
      status: 'unknown',
      sendReason: UNKNOWN_SEND_REASON,
    });
    expect(await sentMails(desk.test.endpoints.ses, 'send3@ac-dijon.fr')).toHaveLength(before);
  });
});

describe('a queue message lost after its record', () => {
  it('is queued again by the sweeper once the delay is over, and sent once', async () => {
    // Prepare: the acknowledgment is recorded, but its queue message is lost
    const opened = await toOutbox('send4@ac-dijon.fr', 'LSUN bilan');
    await desk.clients.sqs.send(new PurgeQueueCommand({ QueueUrl: desk.resources.queueUrls.outbox }));
    const deps = {
      records: makeOutboxStore(table),
      outbox: makeQueue({
        client: desk.clients.sqs,
        queueUrl: desk.resources.queueUrls.outbox,
        schema: OutboxMessage,
      }),
    };
    // Act: a sweep now (too early), then one past the delay, and another after it
    const early = await sweepOutbox({ ...deps, now: () => new Date() });
    const later = new Date(Date.now() + (REQUEUE_AFTER_SECONDS + 60) * 1000);
    const due = await sweepOutbox({ ...deps, now: () => later });
    await desk.drain();
    const again = await sweepOutbox({ ...deps, now: () => new Date(later.getTime() + 3_600_000) });
    // Assess
    const ackId = `${opened}.ack`;
    expect(early.requeued).not.toContain(ackId);
    expect(due.requeued).toContain(ackId);
    expect(again.requeued).not.toContain(ackId);
    const ticket = await ticketDetail(await ticketNumberOf(opened), staffDeps(table).deps);
    expect(
      ticket.messages.find((entry) => entry.kind === 'message' && entry.direction === 'out'),
    ).toMatchObject({
      status: 'sent',
    });
    expect(await sentMails(desk.test.endpoints.ses, 'send4@ac-dijon.fr')).toHaveLength(1);
  });
});

describe('a raw mail gone from S3', () => {
  it('fails its intake message (retried, then dead-lettered), with one log line naming the SES id, and records nothing', async () => {
    // Prepare: SES's event for a mail whose raw MIME is not in the bucket
    const sesMessageId = `gone${randomBytes(4).toString('hex')}`;
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    await desk.handlers.receive(
      sesEvent({
        sesMessageId,
        from: 'send5@ac-dijon.fr',
        to: 'assistance1d@ac-dijon.fr',
        subject: 'LSUN',
        verdicts: passingVerdicts,
      }),
      lambdaContext,
    );
    // Act
    const pumped = await desk.pumpOnce('intake', { deleteSucceeded: false });
    // Assess
    expect(pumped).toMatchObject({ delivered: 1, failed: 1 });
    expect(errors).toHaveBeenCalledTimes(1);
    expect(errors.mock.calls[0]?.[1]).toMatchObject({
      sesMessageId,
      error: expect.objectContaining({
        name: 'RawMailMissingError',
        message: expect.stringContaining(sesMessageId),
      }),
    });
    const { Item } = await desk.db.send(
      new GetCommand({ TableName: table.tableName, Key: keys.intakeEntry(sesMessageId) }),
    );
    expect(Item).toBeUndefined();
  });
});
