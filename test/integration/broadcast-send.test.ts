/**
 * Broadcasts end to end on the stand-ins (DynamoDB Local, fauxqs's SQS, aws-ses-v2-local's
 * outbox): every zone type, chunks through to the outbox, redelivery, a dead worker, cancel,
 * the scheduler's tick. Faults SES's stand-in cannot make (throttling, a permanent refusal) are
 * injected with aws-sdk-client-mock on an SESv2 client of their own.
 */
import { randomUUID } from 'node:crypto';
import { SESv2Client, SendBulkEmailCommand, type SendBulkEmailCommandInput } from '@aws-sdk/client-sesv2';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBroadcastStore } from '#shared/adapters/broadcast-store.ts';
import { makeBulkSender } from '#shared/adapters/bulk-sender.ts';
import { documentClient } from '#shared/adapters/clients/dynamodb.ts';
import { makeQueue } from '#shared/adapters/queue.ts';
import { type BroadcastInput, BroadcastStateError } from '#shared/domain/broadcast.ts';
import type { BroadcastStore } from '#shared/domain/broadcast-ports.ts';
import type { DirectoryState } from '#shared/domain/directory.ts';
import { BroadcastChunk, SesEventRecord } from '#shared/domain/messages.ts';
import type { ZoneRef } from '#shared/domain/zones.ts';
import type { BroadcastDeps } from '#shared/steps/broadcast/deps.ts';
import { recordSesEvent } from '#shared/steps/broadcast/events.ts';
import {
  MAX_DEFERRALS,
  sendChunk,
  startDueBroadcasts,
  UNKNOWN_OUTCOME,
} from '#shared/steps/broadcast/fan-out.ts';
import {
  cancelBroadcast,
  createBroadcast,
  getBroadcast,
  listRecipients,
  retryFailures,
  sendBroadcast,
  sendTest,
} from '#shared/steps/broadcast/manage.ts';
import { broadcastAnswered } from '#shared/steps/screen.ts';
import { makeTestResources, type TestResources, useDeskEnvironment } from '../support/aws.ts';
import { largeDirectory, smallDirectory } from '../support/broadcast.ts';
import { headerOf, type SentMail, sentMails } from '../support/outbox.ts';

const ADMIN = 'admin.dsi@ac-dijon.fr';
let test: TestResources;
let store: BroadcastStore;
let restoreEnv: () => void;

beforeAll(async () => {
  test = await makeTestResources('broadcast-send');
  store = makeBroadcastStore({
    client: documentClient(test.clients.dynamodb),
    tableName: test.resources.tableName,
  });
  restoreEnv = useDeskEnvironment({ ...test.env, BROADCAST_MAX_SEND_RATE: '100000' });
});

afterAll(() => {
  restoreEnv?.();
  test?.destroy();
});

/** Steps wired to the stand-ins; the pacing's pause is recorded rather than waited. */
function depsFor(
  state: DirectoryState,
  overrides: Partial<BroadcastDeps> = {},
): BroadcastDeps & { pauses: number[] } {
  const pauses: number[] = [];
  return {
    store,
    directory: { current: async () => ({ state }) },
    chunks: makeQueue({ client: test.clients.sqs, queueUrl: queueUrl(), schema: BroadcastChunk }),
    sender: makeBulkSender({ client: test.clients.ses, maxSendRate: 14 }),
    config: { deskAddress: 'assistance1d@ac-dijon.fr', deskDisplayName: 'Assistance LSUN', rateShare: 0.5 },
    now: () => new Date(),
    newId: () => `b-${randomUUID().slice(0, 12)}`,
    sleep: async (ms) => {
      pauses.push(ms);
    },
    pauses,
    ...overrides,
  };
}

function queueUrl(): string {
  const url = test.resources.queueUrls.broadcast;
  if (url === undefined) throw new Error('no broadcast queue');
  return url;
}

/** Takes every visible chunk message off the broadcast queue. */
async function takeChunks(): Promise<BroadcastChunk[]> {
  const chunks: BroadcastChunk[] = [];
  for (;;) {
    const { Messages = [] } = await test.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl(), MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return chunks;
    for (const message of Messages) {
      chunks.push(BroadcastChunk.parse(JSON.parse(message.Body ?? '')));
      await test.clients.sqs.send(
        new DeleteMessageCommand({ QueueUrl: queueUrl(), ReceiptHandle: message.ReceiptHandle }),
      );
    }
  }
}

/** The mails of one broadcast in the SES stand-in's outbox (other test files share it). */
async function mailsOf(broadcastId: string): Promise<SentMail[]> {
  return (await sentMails(test.endpoints.ses)).filter(
    (mail) => headerOf(mail, 'X-Assistance-LSUN') === `broadcast-${broadcastId}`,
  );
}

const input = (zones: ZoneRef[]): BroadcastInput => ({
  subject: 'LSU indisponible lundi matin',
  text: 'LSU sera indisponible lundi de 8 h à 10 h.\n\nMerci de ne pas saisir pendant ce créneau.',
  zones,
});

/** A broadcast to these zones, created, sent now, and every chunk queued handed to the worker once. */
async function sentNow(broadcast: BroadcastInput, deps: BroadcastDeps) {
  const draft = await createBroadcast(broadcast, ADMIN, deps);
  await sendBroadcast(draft.id, undefined, ADMIN, deps);
  for (const chunk of await takeChunks()) await sendChunk(chunk, deps);
  return draft;
}

describe('a broadcast to each zone type', () => {
  it.each([
    [
      { type: 'academie', code: 'ac-dijon' },
      [
        'alex.roux.diff@ac-dijon.fr',
        'camille.martin.diff@ac-dijon.fr',
        'helene.faure.diff@ac-dijon.fr',
        'julien.girard.diff@ac-dijon.fr',
      ],
    ],
    [
      { type: 'departement', code: '21' },
      ['camille.martin.diff@ac-dijon.fr', 'julien.girard.diff@ac-dijon.fr'],
    ],
    [{ type: 'circonscription', code: '58-nevers-1' }, ['helene.faure.diff@ac-dijon.fr']],
    [{ type: 'ecole', code: '0710001R' }, ['alex.roux.diff@ac-dijon.fr']],
  ] as Array<[ZoneRef, string[]]>)(
    'sends to %j: one personalised mail to each active director, then says sent',
    async (zone, expected) => {
      // Prepare
      const deps = depsFor(smallDirectory());
      // Act
      const draft = await sentNow(input([zone]), deps);

      // Assess
      const mails = await mailsOf(draft.id);
      expect(mails.map((mail) => mail.destination.to[0]).sort()).toEqual(expected);
      const broadcast = await getBroadcast(draft.id, deps);
      expect(broadcast).toMatchObject({ status: 'sent', recipients: expected.length });
      expect(broadcast.counts.sent).toBe(expected.length);
      expect(broadcast.history.map((line) => line.action)).toEqual(['created', 'started', 'finished']);
    },
  );

  it('writes the mail as the desk: greeting by name, Reply-To the desk, Auto-Submitted and the desk header', async () => {
    const deps = depsFor(smallDirectory());
    const draft = await sentNow(input([{ type: 'circonscription', code: '21-dijon-centre' }]), deps);

    const [mail] = await mailsOf(draft.id);
    expect(mail?.subject).toBe('LSU indisponible lundi matin');
    expect(mail?.body.text?.startsWith('Bonjour Madame Martin,\n\nLSU sera indisponible')).toBe(true);
    expect(mail?.body.html).toContain('<p>Bonjour Madame Martin,</p>');
    expect((mail as unknown as { replyTo: string[] }).replyTo).toEqual(['assistance1d@ac-dijon.fr']);
    expect(mail && headerOf(mail, 'Auto-Submitted')).toBe('auto-generated');
  });

  it('sends a test copy to the staff member only, and notes it in the history', async () => {
    const deps = depsFor(smallDirectory());
    const draft = await createBroadcast(input([{ type: 'departement', code: '21' }]), ADMIN, deps);

    const result = await sendTest(draft.id, { email: ADMIN, name: 'Claire Admin' }, deps);

    const mails = await mailsOf(draft.id);
    expect(result).toEqual({ to: ADMIN });
    expect(mails.map((mail) => [mail.destination.to[0], mail.subject])).toEqual([
      [ADMIN, '[Test] LSU indisponible lundi matin'],
    ]);
    expect(mails[0]?.body.text?.startsWith('Bonjour Claire Admin,')).toBe(true);
    expect((await getBroadcast(draft.id, deps)).status).toBe('draft');
  });
});

describe('exactly once per recipient', () => {
  it('mails 120 directors once each in 3 SES calls, though every chunk is delivered three times and « send » pressed twice', async () => {
    // Prepare
    const deps = depsFor(largeDirectory(120));
    const draft = await createBroadcast(input([{ type: 'academie', code: 'ac-dijon' }]), ADMIN, deps);

    // Act
    await sendBroadcast(draft.id, undefined, ADMIN, deps);
    await sendBroadcast(draft.id, undefined, ADMIN, deps);
    const chunks = await takeChunks();
    const outcomes = [];
    for (let delivery = 0; delivery < 3; delivery++)
      for (const chunk of chunks) outcomes.push(await sendChunk(chunk, deps));

    // Assess
    expect(chunks.map((chunk) => chunk.directorIds.length)).toEqual([50, 50, 20]);
    const mails = await mailsOf(draft.id);
    const addresses = mails.map((mail) => mail.destination.to[0]);
    expect(addresses).toHaveLength(120);
    expect(new Set(addresses).size).toBe(120);
    expect(outcomes.filter((outcome) => outcome.sent > 0)).toHaveLength(3);
    expect(outcomes.slice(3).every((outcome) => outcome.sent === 0 && outcome.skipped > 0)).toBe(true);
    expect((await getBroadcast(draft.id, deps)).counts).toMatchObject({ sent: 120, queued: 0, sending: 0 });
  });

  it('paces each worker: after a chunk of 50 at 7 mails/s shared by two workers, it waits 50 / 3.5 s less the time the chunk took', async () => {
    // The clock stands still, so the chunk took no time by it.
    const t0 = new Date();
    const deps = depsFor(largeDirectory(50), { now: () => t0 });
    await sentNow(input([{ type: 'academie', code: 'ac-dijon' }]), deps);

    expect(deps.pauses).toEqual([14_286]);
  });

  it('never mails twice after a worker died between its claims and its record: the lost claims end failed, unknown', async () => {
    // Prepare: a worker claimed the chunk's recipients, then died before recording anything.
    const t0 = new Date('2027-01-04T08:00:00.000Z');
    const deps = depsFor(smallDirectory(), { now: () => t0 });
    const draft = await createBroadcast(input([{ type: 'departement', code: '21' }]), ADMIN, deps);
    await sendBroadcast(draft.id, undefined, ADMIN, deps);
    const [chunk] = await takeChunks();
    if (!chunk) throw new Error('no chunk');
    for (const id of chunk.directorIds) await store.claim(draft.id, id, t0.toISOString());

    // Act: SQS delivers it again, first within the lease, then after it.
    const early = await sendChunk(chunk, { ...deps, now: () => new Date(t0.getTime() + 60_000) });
    const late = await sendChunk(chunk, { ...deps, now: () => new Date(t0.getTime() + 11 * 60_000) });

    // Assess
    expect(early).toMatchObject({ sent: 0, skipped: 2, expired: 0 });
    expect(late).toMatchObject({ sent: 0, expired: 2 });
    expect(await mailsOf(draft.id)).toHaveLength(0);
    const failed = await listRecipients(draft.id, { status: 'failed', limit: 10 }, deps);
    expect(failed.items.map((r) => [r.error, r.retryable])).toEqual([
      [UNKNOWN_OUTCOME, false],
      [UNKNOWN_OUTCOME, false],
    ]);
    expect((await getBroadcast(draft.id, deps)).status).toBe('sent');
  });
});

describe('SES faults (injected)', () => {
  /** A bulk sender over a mocked SES client whose answer `answer` decides per destination. */
  function faultySender(answer: (input: SendBulkEmailCommandInput, call: number) => unknown) {
    const client = new SESv2Client({ region: 'eu-west-1' });
    const mock = mockClient(client);
    let call = 0;
    mock
      .on(SendBulkEmailCommand)
      .callsFake(async (request: SendBulkEmailCommandInput) => answer(request, call++));
    return { sender: makeBulkSender({ client, maxSendRate: 14 }), mock };
  }
  const success = (request: SendBulkEmailCommandInput) => ({
    BulkEmailEntryResults: (request.BulkEmailEntries ?? []).map(() => ({
      Status: 'SUCCESS',
      MessageId: `m-${randomUUID()}`,
    })),
  });
  /** Records what the step queues, with its delay. */
  function capturedChunks() {
    const sent: Array<{ message: BroadcastChunk; delaySeconds?: number | undefined }> = [];
    return {
      sent,
      send: async (message: BroadcastChunk, options?: { delaySeconds?: number }) => {
        sent.push({ message, delaySeconds: options?.delaySeconds });
      },
      sendAll: async (messages: BroadcastChunk[]) => {
        for (const message of messages) sent.push({ message });
      },
    };
  }

  it('sends throttled entries later in a delayed chunk, records a permanent refusal once and never retries it', async () => {
    // Prepare: the first call throttles Girard and rejects Martin; the second accepts everything.
    const { sender } = faultySender((request, call) =>
      call > 0
        ? success(request)
        : {
            BulkEmailEntryResults: (request.BulkEmailEntries ?? []).map((entry) => {
              const to = entry.Destination?.ToAddresses?.[0];
              if (to === 'julien.girard.diff@ac-dijon.fr')
                return { Status: 'ACCOUNT_THROTTLED', Error: 'Maximum sending rate exceeded.' };
              if (to === 'camille.martin.diff@ac-dijon.fr')
                return { Status: 'MESSAGE_REJECTED', Error: 'Rejected' };
              return { Status: 'SUCCESS', MessageId: `m-${randomUUID()}` };
            }),
          },
    );
    const chunks = capturedChunks();
    const deps = depsFor(smallDirectory(), { sender, chunks });
    const draft = await createBroadcast(input([{ type: 'academie', code: 'ac-dijon' }]), ADMIN, deps);
    await sendBroadcast(draft.id, undefined, ADMIN, deps);
    const [first] = chunks.sent.splice(0);
    if (!first) throw new Error('no chunk');

    // Act
    const outcome = await sendChunk(first.message, deps);
    const during = await getBroadcast(draft.id, deps);
    const [deferred] = chunks.sent.splice(0);
    if (!deferred) throw new Error('no deferred chunk');
    await sendChunk(deferred.message, deps);

    // Assess
    expect(outcome).toMatchObject({ sent: 2, failed: 1, deferred: 1 });
    expect(during).toMatchObject({ status: 'sending', counts: { queued: 1, sent: 2, failed: 1 } });
    expect(deferred.message.directorIds).toEqual(['julien.girard.diff@ac-dijon.fr']);
    expect(deferred.delaySeconds).toBeGreaterThan(0);
    const done = await getBroadcast(draft.id, deps);
    expect(done).toMatchObject({ status: 'sent', counts: { sent: 3, failed: 1, queued: 0 } });
    const failed = await listRecipients(draft.id, { status: 'failed', limit: 10 }, deps);
    expect(failed.items).toMatchObject([{ email: 'camille.martin.diff@ac-dijon.fr', retryable: false }]);
  });

  it('puts a whole chunk back when SES answers 429 to the call, and sends it later', async () => {
    const { sender } = faultySender((request, call) => {
      if (call === 0)
        throw Object.assign(new Error('Too Many Requests'), {
          name: 'TooManyRequestsException',
          $metadata: { httpStatusCode: 429 },
        });
      return success(request);
    });
    const chunks = capturedChunks();
    const deps = depsFor(smallDirectory(), { sender, chunks });
    const draft = await createBroadcast(input([{ type: 'departement', code: '21' }]), ADMIN, deps);
    await sendBroadcast(draft.id, undefined, ADMIN, deps);
    const [first] = chunks.sent.splice(0);
    if (!first) throw new Error('no chunk');

    const outcome = await sendChunk(first.message, deps);
    const [again] = chunks.sent.splice(0);
    if (!again) throw new Error('no deferred chunk');
    await sendChunk(again.message, deps);

    expect(outcome).toMatchObject({ sent: 0, deferred: 2 });
    expect(again.message.attempt).toBe(1);
    expect(await getBroadcast(draft.id, deps)).toMatchObject({ status: 'sent', counts: { sent: 2 } });
  });

  it('leaves transient failures failed after the last deferral, and « Relancer les échecs » sends only those', async () => {
    // Prepare: SES fails Girard transiently on a chunk already deferred the most times.
    const { sender } = faultySender((request, call) =>
      call > 0
        ? success(request)
        : {
            BulkEmailEntryResults: (request.BulkEmailEntries ?? []).map((entry) =>
              entry.Destination?.ToAddresses?.[0] === 'julien.girard.diff@ac-dijon.fr'
                ? { Status: 'TRANSIENT_FAILURE', Error: 'Try later' }
                : { Status: 'SUCCESS', MessageId: `m-${randomUUID()}` },
            ),
          },
    );
    const chunks = capturedChunks();
    const deps = depsFor(smallDirectory(), { sender, chunks });
    const draft = await createBroadcast(input([{ type: 'departement', code: '21' }]), ADMIN, deps);
    await sendBroadcast(draft.id, undefined, ADMIN, deps);
    const [first] = chunks.sent.splice(0);
    if (!first) throw new Error('no chunk');
    await sendChunk({ ...first.message, attempt: MAX_DEFERRALS }, deps);
    const before = await getBroadcast(draft.id, deps);

    // Act
    const retried = await retryFailures(draft.id, ADMIN, deps);
    for (const { message } of chunks.sent.splice(0)) await sendChunk(message, deps);

    // Assess
    expect(before).toMatchObject({ status: 'sent', counts: { sent: 1, failed: 1 } });
    expect(retried.status).toBe('sending');
    const after = await getBroadcast(draft.id, deps);
    expect(after).toMatchObject({ status: 'sent', counts: { sent: 2, failed: 0 } });
    expect(after.history.map((line) => line.action)).toEqual([
      'created',
      'started',
      'finished',
      'retried',
      'finished',
    ]);
  });
});

describe('cancel, schedule', () => {
  it('stops a broadcast mid-send: the chunks not yet sent do nothing', async () => {
    const deps = depsFor(largeDirectory(120));
    const draft = await createBroadcast(input([{ type: 'academie', code: 'ac-dijon' }]), ADMIN, deps);
    await sendBroadcast(draft.id, undefined, ADMIN, deps);
    const [first, ...rest] = await takeChunks();
    if (!first) throw new Error('no chunk');

    await sendChunk(first, deps);
    const cancelled = await cancelBroadcast(draft.id, ADMIN, deps);
    const outcomes = [];
    for (const chunk of rest) outcomes.push(await sendChunk(chunk, deps));

    expect(await mailsOf(draft.id)).toHaveLength(50);
    expect(outcomes.every((outcome) => outcome.ignored)).toBe(true);
    expect(cancelled).toMatchObject({ status: 'cancelled', counts: { sent: 50, queued: 70 } });
    await expect(sendBroadcast(draft.id, undefined, ADMIN, deps)).rejects.toThrow(BroadcastStateError);
  });

  it('starts a scheduled broadcast at the first tick at or after its time, and only then', async () => {
    // Prepare
    const at = new Date(Date.now() + 3 * 60_000);
    const deps = depsFor(smallDirectory());
    const draft = await createBroadcast(input([{ type: 'departement', code: '58' }]), ADMIN, deps);
    await sendBroadcast(draft.id, at.toISOString(), ADMIN, deps);
    const repeated = await sendBroadcast(draft.id, at.toISOString(), ADMIN, deps);

    // Act
    const early = await startDueBroadcasts({ ...deps, now: () => new Date(at.getTime() - 60_000) });
    const onTime = await startDueBroadcasts({ ...deps, now: () => new Date(at.getTime() + 30_000) });
    const next = await startDueBroadcasts({ ...deps, now: () => new Date(at.getTime() + 90_000) });
    for (const chunk of await takeChunks()) await sendChunk(chunk, deps);

    // Assess
    expect(repeated.history.map((line) => line.action)).toEqual(['created', 'scheduled']);
    expect(early).not.toContain(draft.id);
    expect(onTime).toContain(draft.id);
    expect(next).not.toContain(draft.id);
    const done = await getBroadcast(draft.id, deps);
    expect(done).toMatchObject({ status: 'sent', counts: { sent: 1 } });
    expect(done.history.find((line) => line.action === 'started')?.actor).toBe('planificateur');
  });

  it('refuses a time in the past, in French, and changes nothing', async () => {
    const deps = depsFor(smallDirectory());
    const draft = await createBroadcast(input([{ type: 'departement', code: '58' }]), ADMIN, deps);

    await expect(sendBroadcast(draft.id, '2020-01-01T08:00:00+01:00', ADMIN, deps)).rejects.toThrow(
      /déjà passée/,
    );
    expect((await getBroadcast(draft.id, deps)).status).toBe('draft');
  });
});

describe('SES events', () => {
  /** An SES event as SNS delivers it to SQS (the envelope's Message holds the event). */
  const viaSns = (event: object) => ({
    Type: 'Notification',
    MessageId: randomUUID(),
    Message: JSON.stringify(event),
  });
  const mail = (messageId: string) => ({
    timestamp: '2027-01-04T08:00:00.000Z',
    source: 'assistance1d@ac-dijon.fr',
    messageId,
    destination: ['x@ac-dijon.fr'],
    tags: { broadcast: ['b'], purpose: ['broadcast'] },
  });

  it('marks deliveries, hard bounces and complaints by SES message id, keeps the address problem, and ignores soft bounces', async () => {
    // Prepare
    const deps = depsFor(smallDirectory());
    const draft = await sentNow(input([{ type: 'academie', code: 'ac-dijon' }]), deps);
    const sent = (await listRecipients(draft.id, { limit: 10 }, deps)).items;
    const idOf = (email: string) => sent.find((r) => r.email === email)?.messageId ?? '';
    const events = [
      {
        eventType: 'Delivery',
        mail: mail(idOf('alex.roux.diff@ac-dijon.fr')),
        delivery: { timestamp: '2027-01-04T08:00:02Z' },
      },
      {
        eventType: 'Bounce',
        mail: mail(idOf('camille.martin.diff@ac-dijon.fr')),
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: 'NoEmail',
          bouncedRecipients: [{ emailAddress: 'camille.martin.diff@ac-dijon.fr' }],
          timestamp: '2027-01-04T08:00:03Z',
        },
      },
      {
        eventType: 'Bounce',
        mail: mail(idOf('helene.faure.diff@ac-dijon.fr')),
        bounce: {
          bounceType: 'Transient',
          bounceSubType: 'MailboxFull',
          bouncedRecipients: [],
          timestamp: '2027-01-04T08:00:04Z',
        },
      },
      {
        eventType: 'Complaint',
        mail: mail(idOf('julien.girard.diff@ac-dijon.fr')),
        complaint: {
          complainedRecipients: [],
          complaintFeedbackType: 'abuse',
          timestamp: '2027-01-04T08:00:05Z',
        },
      },
      { eventType: 'Delivery', mail: mail('an-acknowledgment'), delivery: {} },
    ];

    // Act
    const outcomes = [];
    for (const event of events)
      outcomes.push(await recordSesEvent(SesEventRecord.parse(viaSns(event)), deps));

    // Assess
    expect(outcomes).toEqual(['delivered', 'bounced', 'ignored', 'complained', 'ignored']);
    const counts = (await getBroadcast(draft.id, deps)).counts;
    expect(counts).toMatchObject({ delivered: 1, bounced: 1, complained: 1, sent: 1 });
    const problems = await store.addressProblems([
      'camille.martin.diff@ac-dijon.fr',
      'julien.girard.diff@ac-dijon.fr',
      'helene.faure.diff@ac-dijon.fr',
    ]);
    expect(problems.map((p) => [p.email, p.kind]).sort()).toEqual([
      ['camille.martin.diff@ac-dijon.fr', 'bounced'],
      ['julien.girard.diff@ac-dijon.fr', 'complained'],
    ]);
  });

  it('finds the broadcast a director’s reply answers, by the SES message id in its In-Reply-To', async () => {
    const deps = depsFor(smallDirectory());
    const draft = await sentNow(input([{ type: 'circonscription', code: '58-nevers-1' }]), deps);
    const [sent] = (await listRecipients(draft.id, { limit: 10 }, deps)).items;

    const answered = await broadcastAnswered(
      { inReplyTo: [`<${sent?.messageId}@eu-west-1.amazonses.com>`] },
      store,
    );

    expect(answered).toEqual({ broadcastId: draft.id });
  });
});

describe('the broadcast-send function', () => {
  it('consumes a chunk delivered three times by SQS as Lambda would, mailing each director once', async () => {
    // Prepare
    const deps = depsFor(smallDirectory());
    const draft = await createBroadcast(input([{ type: 'departement', code: '21' }]), ADMIN, deps);
    await sendBroadcast(draft.id, undefined, ADMIN, deps);
    const [chunk] = await takeChunks();
    const { handler } = await import('#functions/broadcast-send.ts');
    const event = (n: number): SQSEvent =>
      ({
        Records: [
          {
            messageId: `m-${n}`,
            body: JSON.stringify(chunk),
            attributes: { ApproximateReceiveCount: String(n) },
          },
        ],
      }) as unknown as SQSEvent;
    const context = {
      functionName: 'broadcast-send',
      awsRequestId: 'r',
      getRemainingTimeInMillis: () => 100_000,
    };

    // Act
    const answers = [];
    for (const n of [1, 2, 3]) answers.push(await handler(event(n), context as unknown as Context));

    // Assess
    expect(answers).toEqual([
      { batchItemFailures: [] },
      { batchItemFailures: [] },
      { batchItemFailures: [] },
    ]);
    expect((await mailsOf(draft.id)).map((mail) => mail.destination.to[0]).sort()).toEqual([
      'camille.martin.diff@ac-dijon.fr',
      'julien.girard.diff@ac-dijon.fr',
    ]);
  });
});
