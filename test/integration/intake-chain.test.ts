/**
 * The intake chain end to end on the real handlers: receive → screen → ticket → mailer,
 * against DynamoDB Local, fauxqs and the SES stand-in. One test per outcome, and the
 * invariants: a redelivery changes nothing, the quota is exact under concurrency, a
 * follow-up threads into its ticket.
 */
import { randomBytes } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDirectoryStore } from '#shared/adapters/directory-store.ts';
import { makeIntakeLogStore } from '#shared/adapters/intake-log-store.ts';
import { keys } from '#shared/adapters/keys.ts';
import { makeTicketListStore } from '#shared/adapters/ticket-list-store.ts';
import { makeTicketRetention } from '#shared/adapters/ticket-retention.ts';
import { makeTicketStore } from '#shared/adapters/ticket-store.ts';
import { importDirectoryFile } from '#shared/directory/import.ts';
import { parisYear } from '#shared/domain/paris-day.ts';
import type { IntakeEntry, TicketHistoryEntry } from '#shared/domain/records.ts';
import { type Desk, startTestDesk } from '../support/desk.ts';
import { headerOf, sentMails } from '../support/outbox.ts';

const DIRECTORY = [
  'uai;ecole;commune;circonscription;departement;civilite;nom;prenom;email',
  '0211234C;École élémentaire Les Tilleuls;Dijon;Dijon Centre;21;Mme;Martin;Camille;camille.martin@ac-dijon.fr',
  '0580001L;École primaire du Bourg;Nevers;Nevers 1;58;M.;Durand;Paul;paul.durand@ac-dijon.fr',
].join('\n');

/** Each test writes as its own director so daily quotas do not mix: any address of the school. */
const fresh = () => `c${randomBytes(3).toString('hex')}`;

let desk: Desk;
let store: ReturnType<typeof makeIntakeLogStore>;
let tickets: ReturnType<typeof makeTicketStore>;
let retention: ReturnType<typeof makeTicketRetention>;
let ticketList: ReturnType<typeof makeTicketListStore>;
const year = parisYear(new Date());

/** The history line of a closing written straight to the store (every staff action has one). */
const closing = (ticketNumber: string, at: string): TicketHistoryEntry => ({
  id: `close-${ticketNumber}`,
  ticketNumber,
  at,
  actor: 'agent@ac-dijon.fr',
  action: 'status',
  from: 'nouveau',
  to: 'clos',
});

beforeAll(async () => {
  desk = await startTestDesk('intake-chain');
  store = makeIntakeLogStore({ client: desk.db, tableName: desk.resources.tableName });
  tickets = makeTicketStore({ client: desk.db, tableName: desk.resources.tableName });
  retention = makeTicketRetention({ client: desk.db, tableName: desk.resources.tableName });
  ticketList = makeTicketListStore({ client: desk.db, tableName: desk.resources.tableName });
  const rows = [DIRECTORY];
  // Directors made up for the tests that need a sender of their own.
  for (let i = 0; i < 13; i++) {
    rows.push(
      `0211234C;École élémentaire Les Tilleuls;Dijon;Dijon Centre;21;Mme;Test;Dir${i};dir${i}@ac-dijon.fr`,
    );
  }
  for (let i = 0; i < 30; i++) {
    rows.push(`0580001L;École primaire du Bourg;Nevers;Nevers 1;58;M.;Lot;Dir${i};lot${i}@ac-dijon.fr`);
  }
  const report = await importDirectoryFile(
    rows.join('\n'),
    makeDirectoryStore({ client: desk.db, tableName: desk.resources.tableName }),
    { apply: true, now: new Date(), actor: 'test' },
  );
  expect(report.rejected).toEqual([]);
});

afterAll(() => desk?.stop());

async function entryOf(sesMessageId: string): Promise<IntakeEntry> {
  const entry = await store.readIntakeEntry(sesMessageId);
  if (!entry) throw new Error(`no intake entry for ${sesMessageId}`);
  return entry;
}

async function mailsTo(address: string) {
  return sentMails(desk.test.endpoints.ses, address);
}

describe('a director writing with LSUN in the subject', () => {
  it('gets a ticket and a threaded acknowledgment in French', async () => {
    // Prepare
    const messageId = `<${fresh()}@ac-dijon.fr>`;
    // Act
    const id = await desk.receive({
      from: 'Paul Durand <paul.durand@ac-dijon.fr>',
      subject: 'Re: LSUN – bulletins introuvables',
      messageId,
    });
    await desk.drain();
    // Assess
    const entry = await entryOf(id);
    expect(entry.outcome).toBe('ticket_created');
    expect(entry.ticketNumber).toMatch(new RegExp(`^LSUN-${year}-\\d{5}$`));
    expect(entry.directoryEntryId).toBeTruthy();

    const found = await tickets.readTicket(entry.ticketNumber ?? '', new Date());
    expect(found?.ticket.status).toBe('nouveau');
    expect(found?.ticket.schools[0]?.uai).toBe('0580001L');
    expect(found?.messages.map((m) => [m.direction, m.status ?? ''])).toEqual([
      ['in', ''],
      ['out', 'sent'],
    ]);

    const [ack, ...others] = await mailsTo('paul.durand@ac-dijon.fr');
    expect(others).toEqual([]);
    expect(ack?.subject).toBe(`[${entry.ticketNumber}] LSUN – bulletins introuvables`);
    expect(ack?.from).toContain('assistance1d@ac-dijon.fr');
    expect(ack?.body.text).toContain(entry.ticketNumber);
    expect(ack?.body.text).toContain('École primaire du Bourg');
    expect(ack && headerOf(ack, 'Auto-Submitted')).toBe('auto-replied');
    expect(ack && headerOf(ack, 'In-Reply-To')).toBe(messageId);
    expect(ack && headerOf(ack, 'References')).toContain(messageId);
  });

  it("is recognised from the school's functional mailbox, and answered from the address written to", async () => {
    const id = await desk.receive({
      from: 'ce.0211234c@ac-dijon.fr',
      to: 'assistance.1erdegre@ac-dijon.fr',
      subject: '[LSUN] accès impossible',
    });
    await desk.drain();
    const entry = await entryOf(id);
    expect(entry.outcome).toBe('ticket_created');
    const acks = await mailsTo('ce.0211234c@ac-dijon.fr');
    expect(acks).toHaveLength(1);
    expect(acks[0]?.from).toContain('assistance.1erdegre@ac-dijon.fr');
    expect(acks[0]?.body.text).toContain('Les Tilleuls');
  });

  it('numbers tickets in sequence within the year', async () => {
    const first = await desk.receive({ from: 'dir1@ac-dijon.fr', subject: 'LSUN un' });
    await desk.drain();
    const second = await desk.receive({ from: 'dir1@ac-dijon.fr', subject: 'LSUN deux' });
    await desk.drain();
    const [a, b] = [(await entryOf(first)).ticketNumber ?? '', (await entryOf(second)).ticketNumber ?? ''];
    expect(Number(b.slice(-5))).toBe(Number(a.slice(-5)) + 1);
  });
});

describe('each rejection is recorded with its reason', () => {
  it('records a resent Message-ID as a duplicate, without reply or second ticket', async () => {
    const messageId = `<${fresh()}@ac-dijon.fr>`;
    const first = await desk.receive({ from: 'dir2@ac-dijon.fr', subject: 'LSUN doublon', messageId });
    // Resent once the first was screened: received together, screen may take either first.
    await desk.drain();
    const second = await desk.receive({ from: 'dir2@ac-dijon.fr', subject: 'LSUN doublon', messageId });
    await desk.drain();
    expect((await entryOf(first)).outcome).toBe('ticket_created');
    const duplicate = await entryOf(second);
    expect(duplicate.outcome).toBe('duplicate');
    expect(duplicate.detail).toContain(first);
    expect(await mailsTo('dir2@ac-dijon.fr')).toHaveLength(1);
  });

  it('opens one ticket for two mails sent together with one Message-ID, the other a duplicate of it', async () => {
    const messageId = `<${fresh()}@ac-dijon.fr>`;
    const ids = [
      await desk.receive({ from: 'dir12@ac-dijon.fr', subject: 'LSUN doublon simultané', messageId }),
      await desk.receive({ from: 'dir12@ac-dijon.fr', subject: 'LSUN doublon simultané', messageId }),
    ];
    await desk.drain();
    // Screened in parallel, either may claim the Message-ID first: exactly one of them does.
    const entries = await Promise.all(ids.map(entryOf));
    const opened = entries.filter((entry) => entry.outcome === 'ticket_created');
    const duplicates = entries.filter((entry) => entry.outcome === 'duplicate');
    expect(opened).toHaveLength(1);
    expect(duplicates).toHaveLength(1);
    expect(duplicates[0]?.detail).toContain(opened[0]?.sesMessageId);
    expect(await mailsTo('dir12@ac-dijon.fr')).toHaveLength(1);
  });

  it('never answers an automatic reply', async () => {
    const id = await desk.receive({
      from: 'dir3@ac-dijon.fr',
      subject: 'Réponse automatique : LSUN',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    await desk.drain();
    expect((await entryOf(id)).outcome).toBe('auto_reply');
    expect(await mailsTo('dir3@ac-dijon.fr')).toEqual([]);
  });

  it('never answers a bounce (empty return path)', async () => {
    const id = await desk.receive({ from: 'dir3@ac-dijon.fr', subject: 'LSUN', envelopeFrom: '' });
    await desk.drain();
    expect((await entryOf(id)).outcome).toBe('auto_reply');
  });

  it('records spam or virus verdicts without answering', async () => {
    const id = await desk.receive({ from: 'dir4@ac-dijon.fr', subject: 'LSUN', verdicts: { virus: 'FAIL' } });
    await desk.drain();
    expect((await entryOf(id)).outcome).toBe('spam_or_virus');
    expect(await mailsTo('dir4@ac-dijon.fr')).toEqual([]);
  });

  it('does not answer a mail whose DMARC fails: it may be a spoof', async () => {
    const id = await desk.receive({
      from: 'camille.martin@ac-dijon.fr',
      subject: 'LSUN urgent',
      verdicts: { dmarc: 'FAIL', spf: 'FAIL', dkim: 'FAIL' },
    });
    await desk.drain();
    const entry = await entryOf(id);
    expect(entry.outcome).toBe('not_authenticated');
    expect(entry.ticketNumber).toBeUndefined();
  });

  it('does not answer a non-academic address (no backscatter)', async () => {
    const id = await desk.receive({
      from: 'directeur@ac-dijon.fr.example.com',
      subject: 'LSUN',
      verdicts: { dmarc: 'GRAY' },
    });
    await desk.drain();
    expect((await entryOf(id)).outcome).toBe('not_academic');
    expect(await mailsTo('directeur@ac-dijon.fr.example.com')).toEqual([]);
  });

  it('answers a mail without the keyword, explaining the rule', async () => {
    const id = await desk.receive({ from: 'dir5@ac-dijon.fr', subject: 'Problème de bulletins' });
    await desk.drain();
    const entry = await entryOf(id);
    expect(entry.outcome).toBe('no_keyword');
    expect(entry.reply).toBe('no_keyword');
    const [reply] = await mailsTo('dir5@ac-dijon.fr');
    expect(reply?.body.text).toContain('LSUN');
    expect(reply && headerOf(reply, 'Auto-Submitted')).toBe('auto-replied');
  });

  it('answers an academic sender who is not a director', async () => {
    const id = await desk.receive({ from: 'enseignant.x@ac-dijon.fr', subject: 'LSUN question' });
    await desk.drain();
    const entry = await entryOf(id);
    expect(entry.outcome).toBe('not_director');
    expect(entry.ticketNumber).toBeUndefined();
    expect(await mailsTo('enseignant.x@ac-dijon.fr')).toHaveLength(1);
  });
});

describe('follow-ups', () => {
  it('threads a reply carrying the ticket tag into its ticket, reopening it, without a reply', async () => {
    const first = await desk.receive({ from: 'dir6@ac-dijon.fr', subject: 'LSUN export' });
    await desk.drain();
    const ticketNumber = (await entryOf(first)).ticketNumber ?? '';
    const reply = await desk.receive({
      from: 'dir6@ac-dijon.fr',
      subject: `Re: [${ticketNumber}] LSUN export`,
    });
    await desk.drain();
    const entry = await entryOf(reply);
    expect(entry.outcome).toBe('follow_up');
    expect(entry.ticketNumber).toBe(ticketNumber);
    const found = await tickets.readTicket(ticketNumber, new Date());
    expect(found?.messages.filter((m) => m.direction === 'in')).toHaveLength(2);
    expect(await mailsTo('dir6@ac-dijon.fr')).toHaveLength(1);
  });

  it('threads a reply whose tag was removed, by the References our acknowledgment carried', async () => {
    const first = await desk.receive({ from: 'dir7@ac-dijon.fr', subject: 'LSUN import' });
    await desk.drain();
    const ticketNumber = (await entryOf(first)).ticketNumber ?? '';
    const [ack] = await mailsTo('dir7@ac-dijon.fr');
    const references = (ack && headerOf(ack, 'References'))?.split(/\s+/) ?? [];
    const reply = await desk.receive({ from: 'dir7@ac-dijon.fr', subject: 'Re: import', references });
    await desk.drain();
    expect((await entryOf(reply)).outcome).toBe('follow_up');
    expect((await entryOf(reply)).ticketNumber).toBe(ticketNumber);
  });

  it('reopens a closed ticket on a reply, and takes its purge date away', async () => {
    const first = await desk.receive({ from: 'dir6@ac-dijon.fr', subject: 'LSUN clôture' });
    await desk.drain();
    const ticketNumber = (await entryOf(first)).ticketNumber ?? '';
    const now = new Date().toISOString();
    await tickets.commit(
      {
        number: ticketNumber,
        expectedStatus: 'nouveau',
        set: { status: 'clos', closedAt: now },
        history: closing(ticketNumber, now),
      },
      now,
    );
    await retention.setExpiry(ticketNumber, Math.floor(Date.now() / 1000) + 86_400);

    const reply = await desk.receive({
      from: 'dir6@ac-dijon.fr',
      subject: `Re: [${ticketNumber}] toujours bloqué`,
    });
    await desk.drain();

    expect((await entryOf(reply)).outcome).toBe('follow_up');
    const found = await tickets.readTicket(ticketNumber, new Date());
    expect(found?.ticket.status).toBe('en_cours');
    expect(found?.expiresAt).toBeUndefined();
    const { Items = [] } = await desk.db.send(
      new QueryCommand({
        TableName: desk.resources.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.ticket(ticketNumber).pk },
      }),
    );
    expect(Items.filter((item) => item.expiresAt !== undefined)).toEqual([]);
  });

  it('opens a new ticket for a reply to a closed ticket past its retention', async () => {
    const first = await desk.receive({ from: 'dir6@ac-dijon.fr', subject: 'LSUN ancien' });
    await desk.drain();
    const ticketNumber = (await entryOf(first)).ticketNumber ?? '';
    const now = new Date().toISOString();
    await tickets.commit(
      {
        number: ticketNumber,
        expectedStatus: 'nouveau',
        set: { status: 'clos', closedAt: now },
        history: closing(ticketNumber, now),
      },
      now,
    );
    await retention.setExpiry(ticketNumber, Math.floor(Date.now() / 1000) - 1);

    const reply = await desk.receive({
      from: 'dir6@ac-dijon.fr',
      subject: `Re: [${ticketNumber}] LSUN encore`,
    });
    await desk.drain();

    const entry = await entryOf(reply);
    expect(entry.outcome).toBe('ticket_created');
    expect(entry.ticketNumber).not.toBe(ticketNumber);
  });

  it('does not let a stranger add to a ticket by copying its tag', async () => {
    const first = await desk.receive({ from: 'dir8@ac-dijon.fr', subject: 'LSUN sauvegarde' });
    await desk.drain();
    const ticketNumber = (await entryOf(first)).ticketNumber ?? '';
    const intruder = await desk.receive({
      from: 'paul.durand@ac-dijon.fr',
      subject: `[${ticketNumber}] LSUN`,
    });
    await desk.drain();
    const entry = await entryOf(intruder);
    expect(entry.outcome).toBe('ticket_created');
    expect(entry.ticketNumber).not.toBe(ticketNumber);
  });
});

describe('at-least-once delivery', () => {
  it('changes nothing when SQS delivers the same intake message twice', async () => {
    const id = await desk.receive({ from: 'dir9@ac-dijon.fr', subject: 'LSUN redelivery' });
    // The first delivery is processed but not deleted, as when a function times out after its work.
    await desk.pumpOnce('intake', { deleteSucceeded: false });
    await desk.pumpOnce('intake');
    await desk.drain();
    const entry = await entryOf(id);
    expect(entry.outcome).toBe('ticket_created');
    expect(await mailsTo('dir9@ac-dijon.fr')).toHaveLength(1);
    const page = await ticketList.listTickets({
      filter: { q: 'dir9@ac-dijon.fr' },
      sort: 'created',
      order: 'desc',
      limit: 100,
      now: new Date(),
    });
    expect(page.items.filter((t) => t.requester.email === 'dir9@ac-dijon.fr')).toHaveLength(1);
  });

  it('changes nothing when SES invokes receive twice for the same mail', async () => {
    const id = `dup-${fresh()}`;
    await desk.receive({ from: 'dir10@ac-dijon.fr', subject: 'LSUN double invocation' }, id);
    await desk.receive({ from: 'dir10@ac-dijon.fr', subject: 'LSUN double invocation' }, id);
    await desk.drain();
    expect((await entryOf(id)).outcome).toBe('ticket_created');
    expect(await mailsTo('dir10@ac-dijon.fr')).toHaveLength(1);
  });

  it('sends one acknowledgment when the ticket and outbox messages are redelivered', async () => {
    await desk.receive({ from: 'dir11@ac-dijon.fr', subject: 'LSUN tickets redelivered' });
    await desk.pumpOnce('intake');
    await desk.pumpOnce('tickets', { deleteSucceeded: false });
    await desk.pumpOnce('tickets');
    await desk.pumpOnce('outbox', { deleteSucceeded: false });
    await desk.drain();
    expect(await mailsTo('dir11@ac-dijon.fr')).toHaveLength(1);
  });
});

describe('personal data', () => {
  it('marks the intake entry and its Message-ID claim to expire after the retention period', async () => {
    const messageId = `${fresh()}@ac-dijon.fr`;
    const id = await desk.receive({
      from: 'enseignant.y@ac-dijon.fr',
      subject: 'Bulletins',
      messageId: `<${messageId}>`,
    });
    await desk.drain();
    const receivedAt = Date.parse((await entryOf(id)).receivedAt) / 1000;
    const retention = 365 * 86_400;
    for (const key of [keys.intakeEntry(id), keys.messageIdClaim(messageId), keys.intakeReply(id)]) {
      const { Item } = await desk.db.send(new GetCommand({ TableName: desk.resources.tableName, Key: key }));
      expect(Item?.expiresAt).toBeCloseTo(receivedAt + retention, -1);
    }
  });
});

describe('ticket numbers', () => {
  it('gives concurrent batches distinct numbers with no gap', async () => {
    // Prepare: 30 accepted mails screened, their ticket commands waiting in three batches.
    const ids = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        desk.receive({ from: `lot${i}@ac-dijon.fr`, subject: `LSUN lot ${i}` }),
      ),
    );
    while ((await desk.pumpOnce('intake')).delivered > 0);
    // Act: the three batches handled at once, as three containers would.
    await Promise.all([desk.pumpOnce('tickets'), desk.pumpOnce('tickets'), desk.pumpOnce('tickets')]);
    await desk.drain();
    // Assess
    const numbers = (await Promise.all(ids.map(entryOf))).map((entry) =>
      Number(entry.ticketNumber?.slice(-5)),
    );
    const sorted = [...numbers].sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(30);
    expect((sorted.at(-1) ?? 0) - (sorted[0] ?? 0)).toBe(29);
  });
});

describe('the daily quota', () => {
  it('accepts exactly 10 of 100 mails arriving at once from one director, with one notice', async () => {
    // Prepare: 100 mails in the intake queue before any is screened.
    const sender = 'camille.martin@ac-dijon.fr';
    const ids = await Promise.all(
      Array.from({ length: 100 }, (_, i) => desk.receive({ from: sender, subject: `LSUN rafale ${i}` })),
    );
    // Act: ten batches screened concurrently, as ten Lambda containers would.
    await Promise.all(Array.from({ length: 10 }, () => desk.pumpOnce('intake')));
    await desk.drain();
    // Assess
    const entries = await Promise.all(ids.map(entryOf));
    const outcomes = entries.map((e) => e.outcome);
    expect(outcomes.filter((o) => o === 'ticket_created')).toHaveLength(10);
    expect(outcomes.filter((o) => o === 'rate_limited')).toHaveLength(90);
    const notices = (await mailsTo(sender)).filter((m) => !m.subject.startsWith('[LSUN-'));
    expect(notices).toHaveLength(1);
    expect(entries.filter((e) => e.reply === 'quota_notice')).toHaveLength(1);
  });
});
