/**
 * A year of the desk's work, written straight into the local table for the console benchmark:
 * tickets and intake entries shaped exactly as the desk writes them (the same item builders as
 * the ticket step, the mailer's `sent` record, the staff actions' history lines and notes), so
 * that the console's reads meet the items, indexes and sizes they meet in production, without
 * pushing 200,000 mails through the pipeline (hours). BatchWriteItem, several in flight. Then the
 * hourly tick's count of the intake log's finished days (`summarizeIntakeDays`) and its snapshot
 * of the open tickets (`snapshotOpenTickets`), its own code and stores, as a desk that has run for
 * a year has them.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeIntakeSummaryStore } from '#shared/adapters/intake-summary-store.ts';
import {
  type Item,
  intakeEntryItem,
  outboundItem,
  receivedMessageItem,
  ticketItem,
} from '#shared/adapters/items.ts';
import { keys } from '#shared/adapters/keys.ts';
import { makeOpenTicketsSnapshotStore } from '#shared/adapters/open-tickets-snapshot-store.ts';
import { acknowledgment } from '#shared/domain/desk-mails.ts';
import type { School } from '#shared/domain/directory.ts';
import { type IncomingMessage, outgoingMail, type Requester } from '#shared/domain/messages.ts';
import type { Outcome } from '#shared/domain/outcome.ts';
import type {
  IntakeEntry,
  Ticket,
  TicketHistoryEntry,
  TicketNote,
  TicketStatus,
} from '#shared/domain/records.ts';
import { formatTicketNumber } from '#shared/domain/ticket-number.ts';
import { summarizeIntakeDays } from '#shared/steps/intake-summaries.ts';
import { snapshotOpenTickets } from '#shared/steps/open-tickets-snapshot.ts';
import type { BenchDirector } from './directory.ts';
import {
  COMMUNES,
  followUpText,
  noKeywordSubject,
  outOfOfficeText,
  requestBody,
  requestSubject,
} from './french.ts';
import type { Random } from './random.ts';

/** The age of the seeded snapshot of the open tickets: the hourly tick's oldest. */
const SNAPSHOT_AGE_MS = 60 * 60_000;

/** How much to seed; the defaults are the figures. */
export type SeedSize = { tickets: number; intakeEntries: number; days: number };

/** What was seeded, for the benchmark's requests and its report. */
export type Seeded = {
  tickets: number;
  intakeEntries: number;
  items: number;
  /** Tickets by status, as seeded. */
  statuses: Record<TicketStatus, number>;
  /** Ticket numbers, oldest first, for the ticket pages to open. */
  numbers: string[];
  /** Circonscriptions and UAIs that have tickets, for the filtered lists. */
  circonscriptions: string[];
  uais: string[];
  agents: string[];
  seconds: number;
};

/** The agents tickets are assigned to. */
export const AGENTS = Array.from({ length: 12 }, (_, i) => `agent${i + 1}@ac-dijon.fr`);
const DESK = 'assistance1d@ac-dijon.fr';
const DESK_NAME = 'Assistance LSUN';
const DAY = 86_400_000;
const RETENTION_DAYS = 365;

/**
 * The outcomes of the year's mails besides new tickets and follow-ups, in shares of the rest
 * (spam and out-of-office replies are the bulk of what a public address receives).
 */
const REJECTIONS: Array<[Outcome, number]> = [
  ['auto_reply', 20],
  ['spam_or_virus', 15],
  ['not_academic', 15],
  ['no_keyword', 12],
  ['not_director', 10],
  ['duplicate', 8],
  ['not_authenticated', 6],
  ['rate_limited', 4],
];
/** Follow-ups per new ticket. */
const FOLLOW_UPS_PER_TICKET = 1.2;

/** The status a ticket has today, from its age: old tickets are closed, recent ones in work. */
function statusByAge(random: Random, ageDays: number): TicketStatus {
  const draw = random.next();
  if (ageDays > 30) return draw < 0.97 ? 'clos' : 'en_attente';
  if (ageDays > 7)
    return draw < 0.5
      ? 'clos'
      : draw < 0.65
        ? 'resolu'
        : draw < 0.85
          ? 'en_attente'
          : draw < 0.95
            ? 'en_cours'
            : 'nouveau';
  return draw < 0.3
    ? 'nouveau'
    : draw < 0.6
      ? 'en_cours'
      : draw < 0.85
        ? 'en_attente'
        : draw < 0.95
          ? 'resolu'
          : 'clos';
}

/** A reception time in the last `days` days, on working hours mostly (a desk's mail follows schools' days). */
function receptionTime(random: Random, now: number, days: number): number {
  for (;;) {
    const day = now - random.int(0, days - 1) * DAY;
    const date = new Date(day);
    const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
    if (weekend && !random.chance(0.15)) continue;
    const hour = random.chance(0.85) ? random.int(6, 16) : random.int(0, 23);
    const at = Date.UTC(
      date.getUTCFullYear(),
      date.getUTCMonth(),
      date.getUTCDate(),
      hour,
      random.int(0, 59),
      random.int(0, 59),
      random.int(0, 999),
    );
    if (at <= now) return at;
  }
}

const circonscriptionOf = new Map<string, string>(
  Object.values(COMMUNES).flatMap((communes) =>
    communes.map(([commune, circonscription]) => [commune, circonscription] as const),
  ),
);

/** A bench school as the directory gives it to a ticket. */
function schoolOf(school: BenchDirector['schools'][number]): School {
  return {
    uai: school.uai,
    name: school.name,
    commune: school.commune,
    circonscription: circonscriptionOf.get(school.commune) ?? '',
    departement: school.uai.slice(1, 3),
    mailbox: school.mailbox,
  };
}

/** Writes items 25 at a time, `parallel` batches in flight, retrying what DynamoDB leaves unprocessed. */
export function makeBatchWriter(client: DynamoDBDocumentClient, tableName: string, parallel = 8) {
  let pending: Item[] = [];
  const inFlight = new Set<Promise<void>>();
  let written = 0;
  async function writeBatch(items: Item[]): Promise<void> {
    let requests = items.map((item) => ({ PutRequest: { Item: item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 0)
        await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 20 * 2 ** attempt)));
      const answer = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (answer.UnprocessedItems?.[tableName] ?? []) as typeof requests;
    }
    written += items.length;
  }
  async function flush(items: Item[]): Promise<void> {
    const running = writeBatch(items).finally(() => inFlight.delete(running));
    inFlight.add(running);
    if (inFlight.size >= parallel) await Promise.race(inFlight);
  }
  return {
    async put(item: Item): Promise<void> {
      pending.push(item);
      if (pending.length === 25) {
        const batch = pending;
        pending = [];
        await flush(batch);
      }
    },
    async done(): Promise<number> {
      if (pending.length > 0) await flush(pending);
      pending = [];
      await Promise.all(inFlight);
      return written;
    },
  };
}

type PlannedTicket = {
  number: string;
  at: number;
  director: BenchDirector;
  school: School;
  sesMessageId: string;
  subject: string;
  followUps: number[];
};

/**
 * Seeds `size.tickets` tickets and `size.intakeEntries` intake entries received over the last
 * `size.days` days: new requests (a tenth by the portal), follow-ups on recent tickets, and every
 * rejection, with the automatic replies the desk records; each ticket with its first mail, its
 * acknowledgment (sent), its follow-ups, and for those staff took up, an assignment, a reply,
 * status changes and sometimes a note, in its history.
 */
export async function seedConsoleData(input: {
  client: DynamoDBDocumentClient;
  tableName: string;
  bucket: string;
  directors: BenchDirector[];
  random: Random;
  now: Date;
  size: SeedSize;
  onProgress?: (written: number) => void;
}): Promise<Seeded> {
  const { client, tableName, bucket, directors, random, size } = input;
  const started = performance.now();
  const now = input.now.getTime();
  const writer = makeBatchWriter(client, tableName);
  let items = 0;
  const put = async (item: Item) => {
    items += 1;
    if (items % 50_000 === 0) input.onProgress?.(items);
    await writer.put(item);
  };
  const rawMail = (id: string) => ({ bucket, key: `incoming/${id}` });
  const expiresAt = (at: number) => Math.floor((at + RETENTION_DAYS * DAY) / 1000);

  // New requests first, in time order: their numbers follow the year's sequence.
  const times = Array.from({ length: size.tickets }, () => receptionTime(random, now, size.days)).sort(
    (a, b) => a - b,
  );
  const sequences = new Map<number, number>();
  const tickets: PlannedTicket[] = times.map((at, i) => {
    const year = new Date(at).getUTCFullYear();
    const sequence = (sequences.get(year) ?? 0) + 1;
    sequences.set(year, sequence);
    const director = random.pick(directors);
    const school = schoolOf(random.pick(director.schools));
    return {
      number: formatTicketNumber(year, sequence),
      at,
      director,
      school,
      sesMessageId: `seed-t${i}`,
      subject: requestSubject(random),
      followUps: [],
    };
  });

  // Follow-ups go to a ticket opened in the 30 days before them.
  const followUpCount = Math.min(
    Math.round(size.tickets * FOLLOW_UPS_PER_TICKET),
    size.intakeEntries - size.tickets,
  );
  for (let i = 0; i < followUpCount; i++) {
    const ticket = random.pick(tickets);
    const later = ticket.at + random.int(10 * 60_000, 30 * DAY);
    const at = later < now ? later : ticket.at + Math.floor(random.next() * (now - ticket.at));
    ticket.followUps.push(at);
  }

  const statuses: Record<TicketStatus, number> = {
    nouveau: 0,
    en_cours: 0,
    en_attente: 0,
    resolu: 0,
    clos: 0,
  };
  const circonscriptions = new Set<string>();
  const uais = new Set<string>();
  let followUpIndex = 0;
  for (const planned of tickets) {
    const { director, school, number } = planned;
    const name = `${director.firstName} ${director.lastName}`;
    const requester: Requester = {
      kind: 'director',
      email: director.email,
      name,
      civility: director.civility,
      firstName: director.firstName,
      lastName: director.lastName,
      schools: [school],
    };
    const receivedAt = new Date(planned.at).toISOString();
    const portal = random.chance(0.1);
    const message: IncomingMessage = {
      sesMessageId: planned.sesMessageId,
      receivedAt,
      from: director.email,
      fromName: name,
      subject: planned.subject,
      messageId: `<${planned.sesMessageId}@ac-dijon.fr>`,
      text: requestBody(random, {
        ...director,
        school: school.name,
        commune: school.commune,
        uai: school.uai,
      }),
      attachments: random.chance(0.2)
        ? [{ filename: 'capture-lsun.png', mimeType: 'image/png', size: random.int(8_192, 65_536) }]
        : [],
      rawMail: rawMail(planned.sesMessageId),
    };
    const entry: IntakeEntry = {
      sesMessageId: message.sesMessageId,
      messageId: message.messageId,
      envelopeFrom: director.email,
      from: director.email,
      fromName: name,
      recipient: DESK,
      subject: message.subject,
      receivedAt,
      outcome: 'ticket_created',
      detail: 'Ticket créé.',
      ticketNumber: number,
      directoryEntryId: director.email,
      rawMail: message.rawMail,
      ...(portal ? { channel: 'portal' as const } : {}),
    };
    await put(intakeEntryItem(entry, expiresAt(planned.at)));

    // The conversation: the request, its acknowledgment as the mailer leaves it, the follow-ups.
    await put(receivedMessageItem(number, message));
    const ack = acknowledgment({ message, requester, deskAddress: DESK }, number, {
      deskDisplayName: DESK_NAME,
    });
    await put(sentItem(outboundItem(ack, receivedAt), planned.at + random.int(200, 2_000)));
    let updatedAt = planned.at;
    for (const at of planned.followUps.sort((a, b) => a - b)) {
      const id = `seed-f${followUpIndex++}`;
      const followUp: IncomingMessage = {
        ...message,
        sesMessageId: id,
        receivedAt: new Date(at).toISOString(),
        subject: `RE: [${number}] ${planned.subject}`,
        messageId: `<${id}@ac-dijon.fr>`,
        text: followUpText(random),
        attachments: random.chance(0.15)
          ? [
              {
                filename: 'livret-scolaire.pdf',
                mimeType: 'application/pdf',
                size: random.int(16_384, 65_536),
              },
            ]
          : [],
        rawMail: rawMail(id),
      };
      await put(receivedMessageItem(number, followUp));
      await put(
        intakeEntryItem(
          {
            ...entry,
            sesMessageId: id,
            messageId: followUp.messageId,
            subject: followUp.subject,
            receivedAt: followUp.receivedAt,
            outcome: 'follow_up',
            detail: `Suite du ticket ${number}.`,
            rawMail: followUp.rawMail,
          },
          expiresAt(at),
        ),
      );
      updatedAt = Math.max(updatedAt, at);
    }

    // What staff did, by how old the ticket is today.
    const status = statusByAge(random, (now - planned.at) / DAY);
    statuses[status] += 1;
    circonscriptions.add(school.circonscription);
    uais.add(school.uai);
    const ticket: Ticket = {
      number,
      status: 'nouveau',
      subject: planned.subject,
      requester: { email: director.email, name, entryId: director.email },
      schools: [school],
      participants: [director.email, school.mailbox],
      openedBy: planned.sesMessageId,
      createdAt: receivedAt,
      updatedAt: receivedAt,
      messageCount: 2 + planned.followUps.length,
    };
    const history: TicketHistoryEntry[] = [];
    // A staff action due after now happened a little before now, after the last one: no two
    // tickets share an instant, as in real work (the list's cursor relies on it being rare).
    const before = (at: number, after: number) =>
      at < now ? at : after + Math.floor(random.next() * (now - after));
    let expiry: number | undefined;
    if (status !== 'nouveau') {
      const agent = random.chance(0.9) ? random.pick(AGENTS) : undefined;
      let at = before(planned.at + random.int(15 * 60_000, 2 * DAY), planned.at);
      const line = (
        action: TicketHistoryEntry['action'],
        from?: string | null,
        to?: string | null,
        itemId?: string,
      ) => {
        history.push({
          id: `h${history.length}`,
          ticketNumber: number,
          at: new Date(at).toISOString(),
          actor: agent ?? 'agent1@ac-dijon.fr',
          action,
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
          ...(itemId ? { itemId } : {}),
        });
      };
      if (agent) {
        ticket.assignee = agent;
        line('assign', null, agent);
      }
      line('status', 'nouveau', 'en_cours');
      if (status !== 'en_cours') {
        at = before(at + random.int(10 * 60_000, DAY), at);
        const outboxId = `${number}.r1`;
        const reply = outgoingMail({
          outboxId,
          record: { on: 'ticket', ticketNumber: number, at: new Date(at).toISOString() },
          purpose: 'staff_reply',
          ticketNumber: number,
          from: DESK,
          fromName: DESK_NAME,
          to: director.email,
          subject: `RE: [${number}] ${planned.subject}`,
          text: `${random.pick(['Bonjour,', 'Bonjour Madame, Monsieur,'])}\n\nLe livret est de nouveau accessible : merci de vider le cache du navigateur puis de vous reconnecter à LSUN par le portail ARENA.\n\nBien cordialement,\n${DESK_NAME}`,
          references: [message.messageId ?? ''],
        });
        await put(
          sentItem(
            {
              ...outboundItem(reply, new Date(at).toISOString()),
              author: agent ?? 'agent1@ac-dijon.fr',
              authorName: 'Agent LSUN',
            },
            at + 500,
          ),
        );
        line('reply', null, null, outboxId);
        ticket.answeredAt = new Date(at).toISOString();
        ticket.lastReplyAt = ticket.answeredAt;
        ticket.messageCount += 1;
        const next = status === 'clos' ? 'resolu' : status;
        line('status', 'en_cours', next);
        if (status === 'clos') {
          at = before(at + random.int(DAY, 10 * DAY), at);
          line('status', 'resolu', 'clos');
          ticket.closedAt = new Date(at).toISOString();
          expiry = expiresAt(at);
        }
      }
      if (random.chance(0.2)) {
        const note: TicketNote = {
          id: `${number}.n1`,
          ticketNumber: number,
          at: new Date(at).toISOString(),
          author: agent ?? 'agent1@ac-dijon.fr',
          text: 'Problème connu côté LSUN, signalé au niveau national.',
        };
        await put({
          ...keys.ticketNote(number, note.at, note.id),
          ...note,
          ...(expiry ? { expiresAt: expiry } : {}),
        });
        line('note', null, null, note.id);
      }
      updatedAt = Math.max(updatedAt, at);
    }
    ticket.status = status;
    ticket.updatedAt = new Date(updatedAt).toISOString();
    await put({ ...ticketItem(ticket), ...(expiry ? { expiresAt: expiry } : {}) });
    for (const entryLine of [
      {
        id: 'h-opened',
        ticketNumber: number,
        at: receivedAt,
        actor: director.email,
        action: 'opened' as const,
      },
      ...history,
    ]) {
      await put({
        ...keys.ticketHistory(number, entryLine.at, entryLine.id),
        ...entryLine,
        ...(expiry ? { expiresAt: expiry } : {}),
      });
    }
  }

  // The rest of the year's mail: rejections, with the automatic replies the desk records.
  const rejections = size.intakeEntries - size.tickets - followUpIndex;
  const shares = REJECTIONS.reduce((sum, [, share]) => sum + share, 0);
  let rejected = 0;
  for (const [outcome, share] of REJECTIONS) {
    const count =
      outcome === 'rate_limited' ? rejections - rejected : Math.round((rejections * share) / shares);
    for (let i = 0; i < count; i++) {
      const at = receptionTime(random, now, size.days);
      const id = `seed-${outcome}-${i}`;
      const director = random.pick(directors);
      const outsider =
        outcome === 'spam_or_virus' || outcome === 'not_academic' || outcome === 'not_director';
      const from = outsider
        ? `contact${random.int(1, 9_999)}@${random.pick(['gmail.com', 'orange.fr', 'free.fr', 'promo-ecoles.com'])}`
        : director.email;
      const receivedAt = new Date(at).toISOString();
      const reply =
        outcome === 'no_keyword'
          ? 'no_keyword'
          : outcome === 'not_director'
            ? 'not_director'
            : outcome === 'rate_limited' && i % 10 === 0
              ? 'quota_notice'
              : undefined;
      const entry: IntakeEntry = {
        sesMessageId: id,
        messageId: `<${id}@${from.split('@')[1]}>`,
        envelopeFrom: outcome === 'auto_reply' ? '' : from,
        from,
        fromName: outsider ? 'Contact' : `${director.firstName} ${director.lastName}`,
        recipient: DESK,
        subject:
          outcome === 'auto_reply'
            ? 'Réponse automatique : absence'
            : outcome === 'no_keyword'
              ? noKeywordSubject(random)
              : requestSubject(random),
        receivedAt,
        outcome,
        detail: `Refusé : ${outcome}.`,
        ...(outsider ? {} : { directoryEntryId: director.email }),
        ...(reply ? { reply } : {}),
        rawMail: rawMail(id),
      };
      await put(intakeEntryItem(entry, expiresAt(at)));
      if (reply) {
        const mail = outgoingMail({
          outboxId: `${id}.reply`,
          record: { on: 'intake', sesMessageId: id },
          purpose: reply,
          from: DESK,
          fromName: DESK_NAME,
          to: from,
          subject: `RE: ${entry.subject}`,
          text: outOfOfficeText(random),
          references: [],
        });
        await put({ ...sentItem(outboundItem(mail, receivedAt), at + 800), expiresAt: expiresAt(at) });
      }
    }
    rejected += count;
  }
  await writer.done();
  // The tick's count, at the seed's `now`: the days since are the dashboard's to read entry by entry.
  await summarizeIntakeDays({
    intakeDays: makeIntakeSummaryStore({ client, tableName }),
    now: () => input.now,
  });
  // The tick's snapshot of the open tickets, dated as the last tick may have left it, an hour
  // before `now`: the dashboard then reads every ticket written since, its most (the read itself
  // is today's, which changes nothing: what it holds beyond its date is read again anyway).
  await snapshotOpenTickets({
    openTickets: makeOpenTicketsSnapshotStore({ client, tableName }),
    now: () => new Date(now - SNAPSHOT_AGE_MS),
  });
  return {
    tickets: tickets.length,
    intakeEntries: tickets.length + followUpIndex + rejected,
    items,
    statuses,
    numbers: tickets.map((ticket) => ticket.number),
    circonscriptions: [...circonscriptions].sort(),
    uais: [...uais].sort(),
    agents: AGENTS,
    seconds: (performance.now() - started) / 1000,
  };
}

/** An outgoing mail's item as the mailer leaves it once SES took it (`recordSent`). */
function sentItem(item: Item, sentAt: number): Item {
  const { gsi4pk: _inFlight, gsi4sk: _at, outbox: _message, ...rest } = item;
  return {
    ...rest,
    status: 'sent',
    sentAt: new Date(sentAt).toISOString(),
    sentMessageId: `ses-${String(item.id)}`,
  };
}
