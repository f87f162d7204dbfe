/**
 * A follow-up over the daily cap of follow-ups (issue 11's known bug): the sender gets the notice
 * written for follow-ups, the mail is held off its ticket, and staff accepting it add it to the
 * ticket it continues. With the cap at 2 for this file, through the real handlers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Objects } from '#shared/adapters/clients/s3.ts';
import { makeDirectoryLookup } from '#shared/adapters/directory-lookup.ts';
import { makeDirectoryStore } from '#shared/adapters/directory-store.ts';
import { makeIntakeLogStore } from '#shared/adapters/intake-log-store.ts';
import { makeQueue } from '#shared/adapters/queue.ts';
import { makeRawMailReader } from '#shared/adapters/raw-mail.ts';
import { makeTicketStore } from '#shared/adapters/ticket-store.ts';
import { importDirectoryFile } from '#shared/directory/import.ts';
import { TicketCommand } from '#shared/domain/messages.ts';
import { acceptIntoTicket } from '#shared/steps/accept.ts';
import { type Desk, startTestDesk } from '../support/desk.ts';
import { sentMails } from '../support/outbox.ts';

const SENDER = 'suivi.retenu@ac-dijon.fr';
let desk: Desk;
let restoreCap: () => void;

beforeAll(async () => {
  const previous = process.env.DAILY_FOLLOW_UP_CAP;
  process.env.DAILY_FOLLOW_UP_CAP = '2';
  restoreCap = () => {
    if (previous === undefined) delete process.env.DAILY_FOLLOW_UP_CAP;
    else process.env.DAILY_FOLLOW_UP_CAP = previous;
  };
  desk = await startTestDesk('held-follow-up');
  await importDirectoryFile(
    [
      'uai;ecole;commune;circonscription;departement;civilite;nom;prenom;email',
      `0211234C;École élémentaire Les Tilleuls;Dijon;Dijon Centre;21;Mme;Retenu;Suivi;${SENDER}`,
    ].join('\n'),
    makeDirectoryStore({ client: desk.db, tableName: desk.resources.tableName }),
    { apply: true, now: new Date(), actor: 'test' },
  );
});

afterAll(() => {
  desk?.stop();
  restoreCap?.();
});

describe('a follow-up over the daily cap of follow-ups', () => {
  it('gets the follow-up notice, is held off its ticket, and joins it when staff accept it', async () => {
    // Prepare: a ticket, then three follow-ups the same day with the cap at two.
    const intakeLog = makeIntakeLogStore({ client: desk.db, tableName: desk.resources.tableName });
    const tickets = makeTicketStore({ client: desk.db, tableName: desk.resources.tableName });
    const opening = await desk.receive({ from: SENDER, subject: 'LSUN : bulletins introuvables' });
    await desk.drain();
    const ticketNumber = (await intakeLog.readIntakeEntry(opening))?.ticketNumber ?? '';
    expect(ticketNumber).not.toBe('');
    const followUps: string[] = [];
    for (const n of [1, 2, 3]) {
      followUps.push(
        await desk.receive({ from: SENDER, subject: `Re: [${ticketNumber}] LSUN : suite ${n}` }),
      );
      await desk.drain();
    }
    const held = followUps[2] ?? '';

    // Assess: held, naming its ticket, with the notice written for follow-ups.
    const heldEntry = await intakeLog.readIntakeEntry(held);
    expect(heldEntry).toMatchObject({
      outcome: 'rate_limited',
      followUpOf: ticketNumber,
      reply: 'quota_notice',
    });
    expect(heldEntry?.ticketNumber).toBeUndefined();
    const notice = (await sentMails(desk.test.endpoints.ses, SENDER)).find((mail) =>
      mail.subject.includes('limite quotidienne'),
    );
    expect(notice?.subject).toContain('limite quotidienne de messages atteinte');
    expect(notice?.body.text).toContain('messages de suivi');
    expect(notice?.body.text).not.toContain('continuent d’être traitées normalement');
    expect((await tickets.readTicket(ticketNumber, new Date()))?.messages.map((m) => m.id)).not.toContain(
      held,
    );

    // Act: staff accept it, twice (a repeated click).
    const deps = {
      store: intakeLog,
      rawMail: makeRawMailReader({ objects: s3Objects(desk.clients.s3) }),
      directory: makeDirectoryLookup({ client: desk.db, tableName: desk.resources.tableName }),
      tickets: makeQueue({
        client: desk.clients.sqs,
        queueUrl: desk.resources.queueUrls.tickets,
        schema: TicketCommand,
      }),
      now: () => new Date(),
    };
    const accepted = await acceptIntoTicket({ sesMessageId: held, actor: 'agent@ac-dijon.fr' }, deps);
    const again = await acceptIntoTicket({ sesMessageId: held, actor: 'agent@ac-dijon.fr' }, deps);
    await desk.drain();

    // Assess: a follow-up of its ticket, added once; the log says who added it.
    expect(accepted).toMatchObject({ outcome: 'follow_up', ticketNumber, acceptedBy: 'agent@ac-dijon.fr' });
    expect(accepted.detail).toMatch(new RegExp(`^Ajouté au ticket ${ticketNumber} par agent@ac-dijon.fr ; `));
    expect(again.detail).toBe(accepted.detail);
    const conversation = (await tickets.readTicket(ticketNumber, new Date()))?.messages ?? [];
    expect(conversation.filter((message) => message.id === held)).toHaveLength(1);
    expect(conversation.filter((message) => message.direction === 'in')).toHaveLength(4);
  });
});
