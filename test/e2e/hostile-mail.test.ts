/**
 * Hostile mail through the whole local desk (`startDesk`, over SMTP): a deterministic sample of
 * the mutated corpus and each extreme mail (1,000 parts, 50-deep nesting, 30 MB, empty) end in
 * an intake entry, nothing crashes, and a mail over SES's 40 MB is refused at SMTP with a 552 and
 * a French text. The 10,000-mail run is `npm run bench -- hostile`.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLocalClients } from '#local/emulators.ts';
import { messagesIn } from '#local/queue-depths.ts';
import { DEFAULT_MAX_MESSAGE_BYTES } from '#local/smtp-receiver.ts';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { keys } from '#shared/adapters/keys.ts';
import { DESK, EXTREMES, hostileCorpus } from '../support/hostile-corpus.ts';
import { type HostileRun, runHostileCorpus, summarise } from '../support/hostile-run.ts';
import { sentMails } from '../support/outbox.ts';
import { eventually, startTestStack, type TestStack } from '../support/stack.ts';

/** The sample: a few hundred mutated mails, the same ones on every run. */
const SEED = 11;
const SAMPLE = 200;

let stack: TestStack;
let run: HostileRun;

beforeAll(async () => {
  stack = await startTestStack();
  // Act (shared by the tests below): the sample, then the extremes.
  run = await runHostileCorpus(stack.desk, hostileCorpus({ seed: SEED, count: SAMPLE, extremes: EXTREMES }), {
    connections: 4,
    stallMs: 20_000,
  });
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

describe('a hostile corpus through the local desk', () => {
  it('gives every mail the desk accepted an intake entry, with no send error and nothing uncaught', () => {
    // Assess
    const figures = summarise(run);
    expect(figures.mails).toBe(SAMPLE + EXTREMES.length);
    expect(figures.withoutOutcome.map((fate) => `${fate.index} ${fate.kinds.join('+')}`)).toEqual([]);
    expect(figures.sendErrors).toEqual([]);
    expect(figures.uncaught).toEqual([]);
  });

  it('leaves nothing behind: every queue of the chain drains and no message is dead-lettered', async () => {
    // Prepare: an outcome is written before what follows it (a ticket, an answer) is queued.
    const { sqs } = makeLocalClients(stack.desk.endpoints);
    const { queueUrls, deadLetterQueueUrls } = stack.desk.resources;
    try {
      // Act: wait for the chain (a record failing would stay in flight until its retry).
      await eventually(
        async () => {
          const { intake, tickets, outbox } = queueUrls;
          return (await messagesIn(sqs, { intake, tickets, outbox })) === 0;
        },
        'the intake, tickets and outbox queues to drain',
        { attempts: 300, intervalMs: 100 },
      );

      // Assess
      expect(await messagesIn(sqs, deadLetterQueueUrls)).toBe(0);
    } finally {
      sqs.destroy();
    }
  }, 60_000);

  it('accepts every mail under the limit, however broken', () => {
    // Assess
    const refused = run.fates.filter((fate) => fate.refused && !fate.kinds.includes('oversize'));
    expect(refused.map((fate) => `${fate.index} ${fate.kinds.join('+')}: ${fate.refused?.code}`)).toEqual([]);
  });

  it.each(['parts-1000', 'nested-50', 'size-30mb', 'empty'])('records an outcome for the %s mail', (kind) => {
    // Assess
    const fate = run.fates.find((candidate) => candidate.kinds.includes(kind));
    expect(fate?.sesMessageId).toBeDefined();
    expect(fate?.outcome).toBeDefined();
  });

  it('refuses the mail over 40 MB at SMTP with a 552 that says why in French', () => {
    // Assess
    const fate = run.fates.find((candidate) => candidate.kinds.includes('oversize'));
    expect(fate?.bytes).toBeGreaterThan(DEFAULT_MAX_MESSAGE_BYTES);
    expect(fate?.sesMessageId).toBeUndefined();
    expect(fate?.refused?.code).toBe(552);
    expect(fate?.refused?.text).toContain('Message trop volumineux : la limite est de 40 Mo');
  });

  it('takes the 30 MB mail, under the SES limit', () => {
    // Assess
    const fate = run.fates.find((candidate) => candidate.kinds.includes('size-30mb'));
    expect(fate?.bytes).toBeGreaterThanOrEqual(30_000_000);
    expect(fate?.bytes).toBeLessThan(DEFAULT_MAX_MESSAGE_BYTES);
  });
});

describe('a director mail whose subject breaks RFC 2047', () => {
  it('opens a ticket: the keyword hidden in a Q word with spaces is read as a person reads it', async () => {
    // Prepare: « LSUN » is only there once the word is decoded (=4C is L), and the word holds spaces.
    const raw = Buffer.from(
      [
        'From: Claire Roger <claire.roger@ac-dijon.fr>',
        `To: ${DESK}`,
        'Subject: =?us-ascii?Q?Bulletins =4CSUN bloques?=',
        'Message-ID: <rfc2047-spaces@ac-dijon.fr>',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Bonjour, les bulletins ne s’éditent plus.',
      ].join('\r\n'),
    );

    // Act
    const single = await runHostileCorpus(
      stack.desk,
      [{ index: 0, kinds: ['q-spaces'], envelopeFrom: 'claire.roger@ac-dijon.fr', to: DESK, raw }],
      { connections: 1 },
    );

    // Assess
    const sesMessageId = single.fates[0]?.sesMessageId as string;
    const clients = makeLocalClients(stack.desk.endpoints);
    try {
      const { Item } = await documentClient(clients.dynamodb).send(
        new GetCommand({ TableName: stack.desk.resources.tableName, Key: keys.intakeEntry(sesMessageId) }),
      );
      expect(Item).toMatchObject({ outcome: 'ticket_created', subject: 'Bulletins LSUN bloques' });
    } finally {
      for (const client of Object.values(clients)) client.destroy();
    }
  });
});

describe('a director mail with an emoji and a stray U+FFFF', () => {
  it('opens a ticket and gets its acknowledgment: no queue of the chain refuses its text', async () => {
    // Prepare: SQS refuses U+FFFF, and fauxqs the two halves of a character beyond the BMP.
    const raw = Buffer.from(
      [
        'From: Claire Roger <claire.roger@ac-dijon.fr>',
        `To: ${DESK}`,
        'Subject: =?utf-8?Q?LSUN_=F0=9F=93=8E_bulletins_=EF=BF=BF?=',
        'Message-ID: <emoji-ffff@ac-dijon.fr>',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Bonjour 😊, les bulletins ne s’éditent plus \uFFFF.',
      ].join('\r\n'),
    );

    // Act
    await runHostileCorpus(
      stack.desk,
      [{ index: 0, kinds: ['garbage-body'], envelopeFrom: 'claire.roger@ac-dijon.fr', to: DESK, raw }],
      { connections: 1 },
    );

    // Assess: the acknowledgment names the ticket the chain opened.
    const acknowledgment = await eventually(
      async () =>
        (await sentMails(stack.desk.endpoints.ses, 'claire.roger@ac-dijon.fr')).find((mail) =>
          mail.subject.includes('📎'),
        ),
      'the acknowledgment of the mail with an emoji',
      { attempts: 200, intervalMs: 100 },
    );
    expect(acknowledgment.subject).toMatch(/\[LSUN-\d{4}-\d{5}\]/);
  });
});
