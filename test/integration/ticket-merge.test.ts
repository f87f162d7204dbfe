/**
 * Merging a duplicate ticket into another, against the local emulators and through the real
 * handlers for the mails: the mails (with their attachments' references) and notes move, the
 * target keeps its number, both sides get their history line, the duplicate is closed with its
 * purge date, and later replies carrying the old tag or the old thread id land in the target.
 * Also: a move of more items than one transaction holds, finished by asking again.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDirectoryStore } from '#shared/adapters/directory-store.ts';
import { makeIntakeLogStore } from '#shared/adapters/intake-log-store.ts';
import { keys } from '#shared/adapters/keys.ts';
import { makeTicketMergeStore } from '#shared/adapters/ticket-merge-store.ts';
import { makeTicketRetention } from '#shared/adapters/ticket-retention.ts';
import { makeTicketStore } from '#shared/adapters/ticket-store.ts';
import { importDirectoryFile } from '#shared/directory/import.ts';
import type { Ticket } from '#shared/domain/records.ts';
import { StaleTicketError } from '#shared/domain/staff-ports.ts';
import { threadIdOf } from '#shared/domain/thread.ts';
import { historyLine } from '#shared/domain/ticket-actions.ts';
import { ticketCard } from '#shared/domain/ticket-list.ts';
import {
  MergeSendPendingError,
  TicketAlreadyMergedError,
  type TicketMerges,
} from '#shared/domain/ticket-merge.ts';
import { type MergeStepDeps, mergeTicket } from '#shared/steps/staff/merge.ts';
import { type Desk, startTestDesk } from '../support/desk.ts';

const DIRECTOR = 'fusion.directrice@ac-dijon.fr';
const ACTOR = { email: 'agent@ac-dijon.fr', name: 'Agent' };
let desk: Desk;
let counter = 0;
const CAPS = { DAILY_REQUEST_CAP: '100', DAILY_FOLLOW_UP_CAP: '100' } as const;
const previousCaps = { ...process.env };

beforeAll(async () => {
  // One director opens every ticket of this file: above the usual daily caps.
  Object.assign(process.env, CAPS);
  desk = await startTestDesk('ticket-merge');
  await importDirectoryFile(
    [
      'uai;ecole;commune;circonscription;departement;civilite;nom;prenom;email',
      `0211234C;École élémentaire Les Tilleuls;Dijon;Dijon Centre;21;Mme;Directrice;Fusion;${DIRECTOR}`,
    ].join('\n'),
    makeDirectoryStore({ client: desk.db, tableName: desk.resources.tableName }),
    { apply: true, now: new Date(), actor: 'test' },
  );
});

afterAll(() => {
  desk?.stop();
  for (const name of Object.keys(CAPS)) {
    if (previousCaps[name] === undefined) delete process.env[name];
    else process.env[name] = previousCaps[name];
  }
});

function stores() {
  const table = { client: desk.db, tableName: desk.resources.tableName };
  return {
    intakeLog: makeIntakeLogStore(table),
    tickets: makeTicketStore(table),
    merges: makeTicketMergeStore(table),
    retention: makeTicketRetention(table),
  };
}

function deps(merges?: TicketMerges): MergeStepDeps {
  const s = stores();
  return {
    ticketStore: s.tickets,
    merges: merges ?? s.merges,
    ticketRetention: s.retention,
    retentionDays: 365,
    now: () => new Date(),
    newId: () => `id-${Date.now()}-${counter++}`,
  };
}

/** A new request from the director through the real handlers; returns its ticket's number. */
async function openTicket(
  subject: string,
  extra: Parameters<Desk['receive']>[0] extends infer M ? Partial<M> : never = {},
) {
  const sesMessageId = await desk.receive({ from: DIRECTOR, subject, ...extra });
  await desk.drain();
  const number = (await stores().intakeLog.readIntakeEntry(sesMessageId))?.ticketNumber;
  if (!number) throw new Error('no ticket opened');
  return number;
}

describe('merging a ticket into another', () => {
  it('moves the mails, attachments and notes into the target, which keeps its number, with history on both sides', async () => {
    // Prepare: the same question asked twice, the second with an attachment, and a note on it.
    const { tickets } = stores();
    const target = await openTicket('LSUN : bulletins introuvables');
    const source = await openTicket('LSUN : bulletins toujours introuvables', {
      attachments: [{ filename: 'capture.txt', content: 'écran', contentType: 'text/plain' }],
    });
    const before = await tickets.readTicket(source, new Date());
    const at = new Date().toISOString();
    await tickets.commit(
      {
        number: source,
        expectedStatus: before?.ticket.status ?? 'nouveau',
        note: { id: 'note-1', ticketNumber: source, at, author: ACTOR.email, text: 'Doublon ?' },
        history: historyLine({ id: 'hn-1', number: source, at, actor: ACTOR.email }, 'note', {
          itemId: 'note-1',
        }),
      },
      at,
    );
    const sourceMessages = before?.messages.map((message) => message.id) ?? [];
    const targetBefore = await tickets.readTicket(target, new Date());

    // Act
    const result = await mergeTicket({ number: source, into: target, actor: ACTOR }, deps());

    // Assess: the answer, both tickets as stored, the conversation moved.
    expect(result.ticket).toMatchObject({ number: source, status: 'clos', mergedInto: target });
    expect(result.target.number).toBe(target);
    expect(result.moved).toBe(sourceMessages.length + 1);
    const merged = await tickets.readTicket(source, new Date());
    const kept = await tickets.readTicket(target, new Date());
    expect(merged?.messages).toEqual([]);
    expect(merged?.notes).toEqual([]);
    expect(merged?.expiresAt).toBeGreaterThan(Date.now() / 1000);
    expect(kept?.messages.map((message) => message.id)).toEqual(
      expect.arrayContaining([...(targetBefore?.messages.map((m) => m.id) ?? []), ...sourceMessages]),
    );
    expect(kept?.messages.every((message) => message.ticketNumber === target)).toBe(true);
    expect(kept?.notes.map((note) => note.id)).toEqual(['note-1']);
    expect(kept?.ticket.messageCount).toBe(
      (targetBefore?.ticket.messageCount ?? 0) + (before?.ticket.messageCount ?? 0),
    );
    const withAttachment = kept?.messages.find((message) => message.attachments.length > 0);
    expect(withAttachment?.attachments[0]?.filename).toBe('capture.txt');
    expect(withAttachment?.rawMail).toBeDefined();
    for (const record of [merged, kept]) {
      expect(record?.history.filter((line) => line.action === 'merge')).toEqual([
        expect.objectContaining({ actor: ACTOR.email, from: source, to: target, at: result.history?.at }),
      ]);
    }
  });

  it('gives the target a card with the schools it gains, for the list’s circonscription filter', async () => {
    // Prepare: the duplicate names a second school, of another circonscription.
    const target = await openTicket('LSUN : livrets vides');
    const source = await openTicket('LSUN : livrets vides (bis)');
    const other = {
      uai: '0589999Z',
      name: 'École du Parc',
      commune: 'Nevers',
      circonscription: 'Nevers Sud',
      departement: '58',
      mailbox: 'ce.0589999z@ac-dijon.fr',
    };
    await desk.db.send(
      new UpdateCommand({
        TableName: desk.resources.tableName,
        Key: keys.ticket(source),
        UpdateExpression: 'SET schools = list_append(schools, :other)',
        ExpressionAttributeValues: { ':other': [other] },
      }),
    );

    // Act
    await mergeTicket({ number: source, into: target, actor: ACTOR }, deps());

    // Assess: the card is the merged ticket's, as the opening would have written it.
    const kept = await stores().tickets.readTicket(target, new Date());
    const { Item: card } = await desk.db.send(
      new GetCommand({ TableName: desk.resources.tableName, Key: keys.ticketCard(target) }),
    );
    expect(kept?.ticket.schools.map((school) => school.uai)).toContain('0589999Z');
    expect(card).toMatchObject({
      ...ticketCard(kept?.ticket as Ticket),
      ...keys.cardsByTime(kept?.ticket.createdAt ?? '', target),
    });
    expect(card?.circs).toContain('nevers sud');
  });

  it('adds a later reply carrying the old tag, or only the old thread id, to the target', async () => {
    // Prepare
    const { tickets, intakeLog } = stores();
    const target = await openTicket('LSUN : export impossible');
    const source = await openTicket('LSUN : export impossible (bis)');
    await mergeTicket({ number: source, into: target, actor: ACTOR }, deps());

    // Act: one reply tagged with the merged ticket, one naming it only in its References.
    const tagged = await desk.receive({
      from: DIRECTOR,
      subject: `Re: [${source}] LSUN : export impossible (bis)`,
    });
    const threaded = await desk.receive({
      from: DIRECTOR,
      subject: 'Re: LSUN : la suite',
      references: [`<${threadIdOf(source)}>`],
    });
    await desk.drain();

    // Assess
    for (const sesMessageId of [tagged, threaded]) {
      expect(await intakeLog.readIntakeEntry(sesMessageId)).toMatchObject({
        outcome: 'follow_up',
        ticketNumber: target,
      });
    }
    const kept = await tickets.readTicket(target, new Date());
    expect(kept?.messages.map((message) => message.id)).toEqual(expect.arrayContaining([tagged, threaded]));
    expect((await tickets.readTicket(source, new Date()))?.messages).toEqual([]);
  });

  it('sends a reply screened before the merge, and added after it, to the target', async () => {
    // Prepare: the reply is screened for the duplicate, then the merge happens.
    const { tickets } = stores();
    const target = await openTicket('LSUN : accès refusé');
    const source = await openTicket('LSUN : accès refusé encore');
    const reply = await desk.receive({
      from: DIRECTOR,
      subject: `Re: [${source}] LSUN : accès refusé encore`,
    });
    await desk.pumpOnce('intake');
    await mergeTicket({ number: source, into: target, actor: ACTOR }, deps());

    // Act: the ticket step adds it now.
    await desk.drain();

    // Assess
    expect((await tickets.readTicket(target, new Date()))?.messages.map((m) => m.id)).toContain(reply);
    expect((await tickets.readTicket(source, new Date()))?.messages).toEqual([]);
  });

  it('refuses to merge a ticket already merged into another one', async () => {
    // Prepare
    const first = await openTicket('LSUN : premier');
    const second = await openTicket('LSUN : deuxième');
    const duplicate = await openTicket('LSUN : doublon');
    await mergeTicket({ number: duplicate, into: first, actor: ACTOR }, deps());

    // Act
    const refusal = mergeTicket({ number: duplicate, into: second, actor: ACTOR }, deps());

    // Assess
    await expect(refusal).rejects.toThrow(TicketAlreadyMergedError);
  });

  it('moves more items than one transaction holds, and an interrupted move is finished by asking again', async () => {
    // Prepare: a duplicate with 70 notes, and a move that dies after its decision.
    const { tickets, merges } = stores();
    const target = await openTicket('LSUN : long fil');
    const source = await openTicket('LSUN : long fil, doublon');
    for (let n = 0; n < 70; n += 1) {
      const status = (await tickets.getTicket(source, new Date()))?.ticket.status ?? 'nouveau';
      const at = new Date(Date.now() + n).toISOString();
      await tickets.commit(
        {
          number: source,
          expectedStatus: status,
          note: { id: `bulk-${n}`, ticketNumber: source, at, author: ACTOR.email, text: `Note ${n}` },
          history: historyLine({ id: `bh-${n}`, number: source, at, actor: ACTOR.email }, 'note'),
        },
        at,
      );
    }
    const mails = (await tickets.readTicket(source, new Date()))?.messages.length ?? 0;
    const dying: TicketMerges = {
      markMerged: (mark) => merges.markMerged(mark),
      moveItems: () => Promise.reject(new Error('Lambda timed out')),
    };
    await expect(mergeTicket({ number: source, into: target, actor: ACTOR }, deps(dying))).rejects.toThrow(
      'Lambda timed out',
    );

    // Act
    const resumed = await mergeTicket({ number: source, into: target, actor: ACTOR }, deps());

    // Assess: everything moved once, the decision written once.
    expect(resumed.history).toBeNull();
    expect(resumed.moved).toBe(70 + mails);
    const kept = await tickets.readTicket(target, new Date());
    expect(kept?.notes).toHaveLength(70);
    expect(kept?.history.filter((line) => line.action === 'merge')).toHaveLength(1);
    expect((await tickets.readTicket(source, new Date()))?.notes).toEqual([]);
  });

  it('waits for the duplicate’s acknowledgment to be sent before merging it', async () => {
    // Prepare: the duplicate is opened, its acknowledgment still in the outbox.
    const { tickets } = stores();
    const target = await openTicket('LSUN : envoi en attente');
    const sesMessageId = await desk.receive({ from: DIRECTOR, subject: 'LSUN : envoi en attente (bis)' });
    await desk.pumpOnce('intake');
    await desk.pumpOnce('tickets');
    const source = (await stores().intakeLog.readIntakeEntry(sesMessageId))?.ticketNumber ?? '';

    // Act
    const early = mergeTicket({ number: source, into: target, actor: ACTOR }, deps());

    // Assess: refused and nothing written; once the mailer has sent it, the merge goes through.
    await expect(early).rejects.toThrow(MergeSendPendingError);
    expect((await tickets.getTicket(source, new Date()))?.ticket.mergedInto).toBeUndefined();
    await desk.drain();
    await expect(mergeTicket({ number: source, into: target, actor: ACTOR }, deps())).resolves.toMatchObject({
      ticket: { mergedInto: target },
    });
  });

  it('refuses a decision written on a stale read of the duplicate', async () => {
    // Prepare: the duplicate gets a mail after it was read.
    const { tickets, merges } = stores();
    const target = await openTicket('LSUN : lecture périmée');
    const source = await openTicket('LSUN : lecture périmée (doublon)');
    const read = await tickets.getTicket(source, new Date());
    const kept = await tickets.getTicket(target, new Date());
    await desk.receive({ from: DIRECTOR, subject: `Re: [${source}] LSUN : lecture périmée` });
    await desk.drain();
    if (!read || !kept) throw new Error('tickets missing');
    const { mergeMark } = await import('#shared/domain/ticket-merge.ts');
    const mark = mergeMark({
      source: read,
      target: kept,
      actor: ACTOR.email,
      at: new Date().toISOString(),
      ids: { source: 'stale-1', target: 'stale-2' },
      retentionDays: 365,
    });

    // Act
    const written = merges.markMerged(mark);

    // Assess
    await expect(written).rejects.toThrow(StaleTicketError);
  });
});
