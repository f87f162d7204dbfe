/**
 * Auto-close through the real adapters and handlers, the clock moved: a ticket left waiting for
 * its director 10 working days is closed (purge date set, history line) and its director gets
 * one automatic notice threaded on the ticket; 9 days is too early; a repeated tick closes and
 * mails nothing more; the director's reply reopens the ticket (the follow-up's reopen).
 */

import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { makeDirectoryStore } from '#shared/adapters/directory-store.ts';
import { makeIntakeLogStore } from '#shared/adapters/intake-log-store.ts';
import { makeTicketStore } from '#shared/adapters/ticket-store.ts';
import { makeWaitingTickets } from '#shared/adapters/waiting-tickets.ts';
import { loadConfig } from '#shared/config.ts';
import { importDirectoryFile } from '#shared/directory/import.ts';
import type { Ticket, TicketStatus } from '#shared/domain/records.ts';
import { closeWaitingTickets } from '#shared/steps/auto-close.ts';
import { replyToTicket } from '#shared/steps/staff/actions.ts';
import { autoCloseDeps } from '#shared/wiring/auto-close.ts';
import { makeTestResources } from '../support/aws.ts';
import { type Desk, startTestDesk } from '../support/desk.ts';
import { headerOf, sentMails } from '../support/outbox.ts';
import { staffDeps, ticketItem } from '../support/staff.ts';

const DIRECTOR = 'attente.longue@ac-dijon.fr';
/** Monday 7 December 2026, 10:00 in Paris: the agent replies and the ticket waits. */
const REPLIED_AT = new Date('2026-12-07T09:00:00.000Z');
/** Friday 18 December, 10:00 Paris: 9 working days later. */
const NINE_DAYS = new Date('2026-12-18T09:30:00.000Z');
/** Monday 21 December, 10:00 Paris: 10 working days later. */
const TEN_DAYS = new Date('2026-12-21T09:00:00.000Z');

let desk: Desk;

beforeAll(async () => {
  desk = await startTestDesk('auto-close');
  await importDirectoryFile(
    [
      'uai;ecole;commune;circonscription;departement;civilite;nom;prenom;email',
      `0211234C;École élémentaire Les Tilleuls;Dijon;Dijon Centre;21;M.;Longue;Attente;${DIRECTOR}`,
    ].join('\n'),
    makeDirectoryStore({ client: desk.db, tableName: desk.resources.tableName }),
    { apply: true, now: new Date(), actor: 'test' },
  );
});

afterAll(() => desk?.stop());

describe('the auto-close tick', () => {
  it('closes a ticket waiting 10 working days with one notice, not at 9, once only, and a reply reopens it', async () => {
    // Prepare: a ticket opened by mail, answered by an agent on Monday 10:00 (→ en_attente).
    const table = { client: desk.db, tableName: desk.resources.tableName };
    const tickets = makeTicketStore(table);
    const opening = await desk.receive({
      from: DIRECTOR,
      subject: 'LSUN : export des livrets',
      messageId: '<question-1@ac-dijon.fr>',
    });
    await desk.drain();
    const number =
      (await makeIntakeLogStore(table).readIntakeEntry(opening))?.ticketNumber ?? 'no ticket opened';
    const staff = staffDeps(table, () => REPLIED_AT);
    await replyToTicket(
      { number, actor: { email: 'agent@ac-dijon.fr', name: 'Agent' }, text: 'Avez-vous essayé ceci ?' },
      staff.deps,
    );
    const tickAt = (now: Date) =>
      closeWaitingTickets(
        autoCloseDeps(loadConfig(), { dynamodb: desk.db, sqs: desk.clients.sqs }, () => now),
      );
    const noticesTo = async () =>
      (await sentMails(desk.test.endpoints.ses, DIRECTOR)).filter(
        (mail) => mail.subject.includes(number) && mail.body.text?.includes('clôturée'),
      );

    // Act: a tick 9 working days later.
    const early = await tickAt(NINE_DAYS);
    await desk.drain();

    // Assess: still waiting, nothing sent.
    expect(early).not.toContain(number);
    expect((await tickets.getTicket(number, NINE_DAYS))?.ticket.status).toBe('en_attente');
    expect(await noticesTo()).toEqual([]);

    // Act: a tick at 10 working days, then the same tick again.
    const closed = await tickAt(TEN_DAYS);
    const again = await tickAt(new Date(TEN_DAYS.getTime() + 3_600_000));
    await desk.drain();

    // Assess: closed once, with its purge date on every item, the history line and one notice.
    expect(closed).toEqual([number]);
    expect(again).toEqual([]);
    const record = await tickets.readTicket(number, TEN_DAYS);
    expect(record?.ticket).toMatchObject({ status: 'clos', closedAt: TEN_DAYS.toISOString() });
    expect(record?.expiresAt).toBeGreaterThan(TEN_DAYS.getTime() / 1000);
    expect(record?.history.at(-1)).toMatchObject({ action: 'auto_close', from: 'en_attente', to: 'clos' });
    const notices = await noticesTo();
    expect(notices).toHaveLength(1);
    const [notice] = notices;
    expect(notice?.subject).toBe(`Re: [${number}] LSUN : export des livrets`);
    expect(notice?.body.text).toContain('10 jours ouvrés');
    expect(headerOf(notice as never, 'Auto-Submitted')).toBe('auto-replied');
    expect(headerOf(notice as never, 'In-Reply-To')).toBe('<question-1@ac-dijon.fr>');
    const out = record?.messages.filter((message) => message.purpose === 'auto_close_notice');
    expect(out).toHaveLength(1);

    // Act: the director answers the notice.
    await desk.receive({ from: DIRECTOR, subject: `Re: [${number}] LSUN : export des livrets` });
    await desk.drain();

    // Assess: the ticket is open again, without its purge date.
    const reopened = await tickets.getTicket(number, new Date());
    expect(reopened?.ticket.status).not.toBe('clos');
    expect(reopened?.expiresAt).toBeUndefined();
  });
});

describe('the waiting tickets read', () => {
  it('gives the en_attente tickets updated up to the bound, oldest first, within the limit, purged ones left out', async () => {
    // Prepare: a table of its own, tickets of every status at known update times.
    const own = await makeTestResources('auto-close-read');
    try {
      const client = documentClient(own.clients.dynamodb);
      const tableName = own.resources.tableName;
      const now = new Date('2026-12-21T09:00:00.000Z');
      const put = async (n: number, status: TicketStatus, updatedAt: string, expiresAt?: number) => {
        const ticket: Ticket = {
          number: `LSUN-2026-0000${n}`,
          status,
          subject: 'LSUN',
          requester: { email: 'x@ac-dijon.fr', name: 'X' },
          schools: [],
          participants: ['x@ac-dijon.fr'],
          openedBy: `ses-${n}`,
          createdAt: '2026-11-01T08:00:00.000Z',
          updatedAt,
          messageCount: 1,
        };
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...ticketItem(ticket), ...(expiresAt ? { expiresAt } : {}) },
          }),
        );
      };
      await put(1, 'en_attente', '2026-12-03T09:00:00.000Z');
      await put(2, 'en_attente', '2026-12-01T09:00:00.000Z');
      await put(3, 'en_attente', '2026-12-11T09:00:00.000Z');
      await put(4, 'en_attente', '2026-12-15T09:00:00.000Z');
      await put(5, 'en_cours', '2026-12-01T09:00:00.000Z');
      await put(6, 'en_attente', '2026-12-02T09:00:00.000Z', now.getTime() / 1000 - 60);
      const waiting = makeWaitingTickets({ client, tableName });

      // Act
      const all = await waiting.listWaitingSince('2026-12-11T09:00:00.000Z', 10, now);
      const two = await waiting.listWaitingSince('2026-12-11T09:00:00.000Z', 2, now);

      // Assess
      expect(all.map(({ ticket }) => ticket.number)).toEqual([
        'LSUN-2026-00002',
        'LSUN-2026-00001',
        'LSUN-2026-00003',
      ]);
      expect(two.map(({ ticket }) => ticket.number)).toEqual(['LSUN-2026-00002', 'LSUN-2026-00001']);
    } finally {
      own.destroy();
    }
  });
});
