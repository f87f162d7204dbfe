/**
 * The dashboard's open tickets from the hourly tick's snapshot and the tickets written since,
 * against every open ticket read, after each writer of a ticket item runs past the snapshot: a
 * new ticket, a follow-up (back to work, or reopening a closed ticket), a staff reply, a staff
 * closing, a merge, the automatic closing, an assignment and a note. A writer that forgot to move
 * `updatedAt` leaves its ticket's snapshot line stale, and the comparison fails. Also the
 * snapshot's edge: a ticket written during the snapshot's own read, by a writer whose clock was
 * taken before the snapshot's time; and the snapshots the dashboard leaves aside.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { makeDashboardStore } from '#shared/adapters/dashboard-store.ts';
import { makeFollowUpStore } from '#shared/adapters/follow-up-store.ts';
import { makeIntakeLogStore } from '#shared/adapters/intake-log-store.ts';
import { keys } from '#shared/adapters/keys.ts';
import {
  makeOpenTicketsSnapshotStore,
  openTicketFacts,
  ticketsChangedSince,
} from '#shared/adapters/open-tickets-snapshot-store.ts';
import { makeTicketMergeStore } from '#shared/adapters/ticket-merge-store.ts';
import { makeTicketOpeningStore } from '#shared/adapters/ticket-opening-store.ts';
import { makeWaitingTickets } from '#shared/adapters/waiting-tickets.ts';
import type { OpenTicketFact } from '#shared/domain/dashboard.ts';
import { changedSince, mergeSnapshot } from '#shared/domain/open-tickets-snapshot.ts';
import type { Ticket, TicketStatus } from '#shared/domain/records.ts';
import { closeWaitingTickets } from '#shared/steps/auto-close.ts';
import { snapshotOpenTickets } from '#shared/steps/open-tickets-snapshot.ts';
import {
  addTicketNote,
  assignTicket,
  changeTicketStatus,
  replyToTicket,
} from '#shared/steps/staff/actions.ts';
import { mergeTicket } from '#shared/steps/staff/merge.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';
import { incoming, intakeEntry, opening, recording } from '../support/intake-records.ts';
import { school, staffDeps, ticketItem } from '../support/staff.ts';

// Tuesday 10 March 2026, 10:00 in Paris: the tick's snapshot.
const TAKEN_AT = new Date('2026-03-10T09:00:00.000Z');
const WINDOW = { from: '2026-03-01T00:00:00.000Z', to: '2026-03-11T00:00:00.000Z' };
const AGENT = { email: 'agent1@ac-dijon.fr', name: 'Agent Un' };

let test: TestResources;
let table: { client: ReturnType<typeof documentClient>; tableName: string };
/** The writers' clock: each writer runs a minute after the one before. */
let clock = TAKEN_AT;
const later = () => {
  clock = new Date(clock.getTime() + 60_000);
  return clock;
};

function ticket(number: string, status: TicketStatus, departement: string, createdAt: string): Ticket {
  return {
    number,
    status,
    subject: 'LSUN',
    requester: { email: `directeur.${number}@ac-dijon.fr`, name: 'Camille Martin' },
    schools: [school(`0${departement}1234C`, departement)],
    participants: [`directeur.${number}@ac-dijon.fr`],
    openedBy: `ses-${number}`,
    createdAt,
    updatedAt: createdAt,
    messageCount: 2,
  };
}

const byNumber = (a: OpenTicketFact, b: OpenTicketFact) => a.number.localeCompare(b.number);

/**
 * The open tickets as the dashboard reads them now (snapshot and changes), as the merge makes
 * them from the snapshot stored (so the snapshot is known to be the one used), and from every
 * open ticket read.
 */
async function openTickets(now: Date) {
  const snapshot = await makeOpenTicketsSnapshotStore(table).readSnapshot();
  if (!snapshot) throw new Error('no snapshot');
  const changed = await ticketsChangedSince(table, changedSince(snapshot.takenAt), now);
  return {
    dashboard: (await makeDashboardStore(table).dashboardFacts(WINDOW, now)).openTickets.sort(byNumber),
    merged: mergeSnapshot(snapshot.facts, changed.tickets).sort(byNumber),
    full: (await openTicketFacts(table, now)).facts.sort(byNumber),
    snapshot,
  };
}

async function expectSameOpenTickets(now: Date) {
  const { dashboard, merged, full } = await openTickets(now);
  expect(merged).toEqual(full);
  expect(dashboard).toEqual(full);
  expect((await dashboardRead(now)).reads).toEqual(['changes']);
  return full;
}

const factOf = (facts: OpenTicketFact[], number: string) => facts.find((fact) => fact.number === number);

beforeAll(async () => {
  test = await makeTestResources('open-tickets-snapshot');
  table = { client: documentClient(test.clients.dynamodb), tableName: test.resources.tableName };
  const put = (item: Record<string, unknown>) =>
    table.client.send(new PutCommand({ TableName: table.tableName, Item: item }));
  const created = '2026-03-02T08:00:00.000Z';
  await put(ticketItem(ticket('LSUN-2025-00001', 'nouveau', '21', created))); // replied to
  await put(ticketItem(ticket('LSUN-2025-00002', 'resolu', '71', created))); // closed by staff
  await put(ticketItem(ticket('LSUN-2025-00003', 'en_attente', '89', '2026-03-03T08:00:00.000Z'))); // follow-up
  await put({
    ...ticketItem({ ...ticket('LSUN-2025-00004', 'clos', '58', created), closedAt: created }),
    expiresAt: Math.floor(TAKEN_AT.getTime() / 1000) + 86_400 * 365,
  }); // reopened by a follow-up
  await put(ticketItem(ticket('LSUN-2025-00005', 'nouveau', '58', '2026-03-04T08:00:00.000Z'))); // merged into 6
  await put(ticketItem(ticket('LSUN-2025-00006', 'en_cours', '21', '2026-03-04T09:00:00.000Z'))); // merge target
  await put(ticketItem(ticket('LSUN-2025-00007', 'en_attente', '71', '2026-02-02T08:00:00.000Z'))); // auto-closed
  await put(ticketItem(ticket('LSUN-2025-00008', 'nouveau', '21', '2026-03-05T08:00:00.000Z'))); // assigned, noted
  await put(ticketItem(ticket('LSUN-2025-00009', 'nouveau', '89', '2026-03-06T08:00:00.000Z'))); // the edge
  await snapshotOpenTickets({ openTickets: makeOpenTicketsSnapshotStore(table), now: () => TAKEN_AT });
});

afterAll(() => test?.destroy());

describe('the open tickets from the snapshot and the tickets written since', () => {
  it('are every open ticket as the tick read them, before any write', async () => {
    // Act
    const { full, snapshot } = await openTickets(later());

    // Assess
    expect(snapshot.takenAt).toBe(TAKEN_AT.toISOString());
    expect(snapshot.facts.sort(byNumber)).toEqual(full);
    expect(full.map((fact) => fact.number)).not.toContain('LSUN-2025-00004');
  });

  it('follow a staff reply (answered, waiting for the director)', async () => {
    // Act
    const { deps } = staffDeps(table, later);
    await replyToTicket({ number: 'LSUN-2025-00001', actor: AGENT, text: 'Voici la marche à suivre.' }, deps);

    // Assess
    const full = await expectSameOpenTickets(later());
    expect(factOf(full, 'LSUN-2025-00001')).toMatchObject({
      status: 'en_attente',
      answeredAt: expect.any(String),
    });
  });

  it('follow a staff closing: the ticket leaves', async () => {
    // Act
    const { deps } = staffDeps(table, later);
    await changeTicketStatus({ number: 'LSUN-2025-00002', actor: AGENT, status: 'clos' }, deps);

    // Assess
    const full = await expectSameOpenTickets(later());
    expect(factOf(full, 'LSUN-2025-00002')).toBeUndefined();
  });

  it('follow a follow-up bringing a waiting ticket back to work, and one reopening a closed ticket', async () => {
    // Act
    const followUps = makeFollowUpStore(table);
    for (const [number, id] of [
      ['LSUN-2025-00003', 'follow-up-3'],
      ['LSUN-2025-00004', 'follow-up-4'],
    ] as const) {
      await followUps.addFollowUp({
        ticketNumber: number,
        now: later().toISOString(),
        message: incoming(id, { receivedAt: clock.toISOString() }),
      });
    }

    // Assess
    const full = await expectSameOpenTickets(later());
    expect(factOf(full, 'LSUN-2025-00003')?.status).toBe('en_cours');
    expect(factOf(full, 'LSUN-2025-00004')?.status).toBe('en_cours');
  });

  it('follow a ticket opened since: it joins', async () => {
    // Prepare
    await makeIntakeLogStore(table).recordIntake(recording(intakeEntry('opened-since')));

    // Act
    const [opened] = await makeTicketOpeningStore(table).openTickets([
      { ...opening('opened-since'), now: later().toISOString() },
    ]);

    // Assess
    const full = await expectSameOpenTickets(later());
    const number = opened?.status === 'fulfilled' ? opened.value.ticketNumber : 'not opened';
    expect(factOf(full, number)?.status).toBe('nouveau');
  });

  it('follow a merge: the merged ticket leaves, its schools join the ticket it went into', async () => {
    // Act
    const { deps } = staffDeps(table, later);
    await mergeTicket(
      { number: 'LSUN-2025-00005', into: 'LSUN-2025-00006', actor: AGENT },
      { ...deps, merges: makeTicketMergeStore(table) },
    );

    // Assess
    const full = await expectSameOpenTickets(later());
    expect(factOf(full, 'LSUN-2025-00005')).toBeUndefined();
    expect(factOf(full, 'LSUN-2025-00006')?.departements.sort()).toEqual(['21', '58']);
  });

  it('follow the automatic closing of a ticket left waiting', async () => {
    // Act
    const { deps } = staffDeps(table, later);
    const closed = await closeWaitingTickets({
      ...deps,
      waiting: makeWaitingTickets(table),
      workingDays: 10,
    });

    // Assess
    expect(closed).toEqual(['LSUN-2025-00007']);
    const full = await expectSameOpenTickets(later());
    expect(factOf(full, 'LSUN-2025-00007')).toBeUndefined();
  });

  it('stay the same through an assignment and a note, which change nothing the dashboard counts', async () => {
    // Act
    const { deps } = staffDeps(table, later);
    await assignTicket({ number: 'LSUN-2025-00008', actor: AGENT, assignee: AGENT.email }, deps);
    await addTicketNote({ number: 'LSUN-2025-00008', actor: AGENT, text: 'À rappeler.' }, deps);

    // Assess
    await expectSameOpenTickets(later());
  });
});

describe("the snapshot's edge", () => {
  it('holds a ticket written during its read, by a writer whose clock was taken before its time', async () => {
    // Prepare: the tick's read returns LSUN-2025-00009 new; a staff action whose clock was read
    // 15 minutes before the snapshot's time lands just after that read.
    const takenAt = later();
    const store = makeOpenTicketsSnapshotStore(table);
    const writerClock = new Date(takenAt.getTime() - 15 * 60_000);
    const { deps } = staffDeps(table, () => writerClock);
    await snapshotOpenTickets({
      now: () => takenAt,
      openTickets: {
        ...store,
        async readOpenTickets(now) {
          const facts = await store.readOpenTickets(now);
          await changeTicketStatus({ number: 'LSUN-2025-00009', actor: AGENT, status: 'en_cours' }, deps);
          return facts;
        },
      },
    });

    // Act
    const { snapshot } = await openTickets(later());

    // Assess: the snapshot's line is stale; the dashboard is not.
    expect(factOf(snapshot.facts, 'LSUN-2025-00009')?.status).toBe('nouveau');
    const full = await expectSameOpenTickets(clock);
    expect(factOf(full, 'LSUN-2025-00009')?.status).toBe('en_cours');
  });
});

describe('the snapshots the dashboard leaves aside', () => {
  it('reads a snapshot of several chunks whole, and leaves it aside while a tick is replacing it', async () => {
    // Prepare: chunks of about three lines; then a tick that has written only its first chunk.
    const small = makeOpenTicketsSnapshotStore(table, { chunkBytes: 200 });
    await snapshotOpenTickets({ openTickets: small, now: later });
    const whole = await small.readSnapshot();
    const { Items: chunks = [] } = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.openTicketsSnapshotPartition() },
      }),
    );
    const [first] = chunks;
    await table.client.send(
      new PutCommand({ TableName: table.tableName, Item: { ...first, takenAt: later().toISOString() } }),
    );

    // Act
    const halfReplaced = await small.readSnapshot();

    // Assess
    expect(chunks.length).toBeGreaterThan(2);
    expect(whole?.facts.sort(byNumber)).toEqual((await openTicketFacts(table, clock)).facts.sort(byNumber));
    expect(halfReplaced).toBeUndefined();
    await expectNoSnapshotStillExact();
  });

  it('empties the chunks a longer snapshot left, and reads the shorter one whole', async () => {
    // Act: the snapshot above had several chunks; this one has one.
    await snapshotOpenTickets({ openTickets: makeOpenTicketsSnapshotStore(table), now: later });

    // Assess
    const { snapshot, full } = await openTickets(later());
    expect(snapshot.facts.sort(byNumber)).toEqual(full);
    await expectSameOpenTickets(clock);
  });

  it('reads every open ticket when the snapshot is more than a day old', async () => {
    // Act / Assess
    expect((await dashboardRead(later())).reads).toEqual(['changes']);
    await expectNoSnapshotStillExact(new Date(clock.getTime() + 25 * 3_600_000));
  });
});

/**
 * The dashboard's open tickets at `now`, and how it read the tickets: `changes` (gsi2 from an
 * instant: with a snapshot) or `all` (every open ticket: without one).
 */
async function dashboardRead(now: Date) {
  const reads = new Set<string>();
  const client = Object.create(table.client) as typeof table.client;
  client.send = ((command: { input: { IndexName?: string; KeyConditionExpression?: string } }) => {
    const { IndexName, KeyConditionExpression } = command.input;
    if (IndexName === 'gsi2' && KeyConditionExpression === 'gsi2pk = :pk') reads.add('all');
    if (KeyConditionExpression?.includes(':since')) reads.add('changes');
    return table.client.send(command as never);
  }) as never;
  const facts = await makeDashboardStore({ client, tableName: table.tableName }).dashboardFacts(WINDOW, now);
  return { open: facts.openTickets.sort(byNumber), reads: [...reads] };
}

/** Without a usable snapshot, the dashboard's open tickets are every open ticket read. */
async function expectNoSnapshotStillExact(now = clock) {
  const { open, reads } = await dashboardRead(now);
  expect(reads).toEqual(['all']);
  expect(open).toEqual((await openTicketFacts(table, now)).facts.sort(byNumber));
}
