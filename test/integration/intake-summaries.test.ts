/**
 * The dashboard from the hourly tick's day summaries and the open tickets' facts against the
 * dashboard from every entry and every open ticket whole, on a table seeded as the console benchmark seeds it (tickets, follow-ups, every rejection,
 * then the tick's own count), over a window holding the night the clocks went forward, with
 * entries a millisecond either side of Paris midnights, an entry landing late in a counted day
 * and a held mail accepted after its day was counted; and with the tick's snapshot of the open
 * tickets (seeded an hour old), tickets written after it: a reply, a closing, a new ticket, a merge.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { makeDashboardStore } from '#shared/adapters/dashboard-store.ts';
import { makeIntakeLogStore } from '#shared/adapters/intake-log-store.ts';
import { makeIntakeSummaryStore } from '#shared/adapters/intake-summary-store.ts';
import { intakeEntryItem } from '#shared/adapters/items.ts';
import { keys } from '#shared/adapters/keys.ts';
import { queryAll } from '#shared/adapters/table-queries.ts';
import { makeTicketMergeStore } from '#shared/adapters/ticket-merge-store.ts';
import { makeTicketOpeningStore } from '#shared/adapters/ticket-opening-store.ts';
import { aggregateDashboard, intakeWindow } from '#shared/domain/dashboard.ts';
import type { Outcome } from '#shared/domain/outcome.ts';
import { IntakeEntry, OPEN_STATUSES, Ticket } from '#shared/domain/records.ts';
import { DEFAULT_WORK_TARGETS, responseClock } from '#shared/domain/response-clock.ts';
import { isPurged } from '#shared/domain/retention.ts';
import { summarizeIntakeDays } from '#shared/steps/intake-summaries.ts';
import { changeTicketStatus, replyToTicket } from '#shared/steps/staff/actions.ts';
import { mergeTicket } from '#shared/steps/staff/merge.ts';
import { dashboard } from '#shared/steps/staff/reads.ts';
import { seedConsoleData } from '../../bench/lib/console-seed.ts';
import { generateDirectory } from '../../bench/lib/directory.ts';
import { seededRandom } from '../../bench/lib/random.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';
import { intakeEntry, opening, recording } from '../support/intake-records.ts';
import { staffDeps } from '../support/staff.ts';

// Sunday 5 April 2026, 12:00 in Paris: the window runs from 7 March, over the night of 28–29 March.
const NOW = new Date('2026-04-05T10:00:00.000Z');
const NEXT_TICK = new Date('2026-04-05T11:00:00.000Z');
const EXPIRES = Math.floor(NOW.getTime() / 1000) + 365 * 86_400;

let test: TestResources;
let table: { client: ReturnType<typeof documentClient>; tableName: string };

/**
 * The dashboard at `now` as the console gets it (day summaries, open tickets' facts), and as it
 * was read before either: every entry of the window, every open ticket whole, each one's clocks.
 */
async function bothDashboards(now: Date) {
  const { deps } = staffDeps(table, () => now);
  const window = intakeWindow(now);
  const live = (item: Record<string, unknown>) => !isPurged(item.expiresAt, now);
  const entries = await queryAll(table, {
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': keys.intakePartition(), ':from': window.from, ':to': window.to },
  });
  const open = await Promise.all(
    OPEN_STATUSES.map((status) =>
      queryAll(table, {
        IndexName: 'gsi3',
        KeyConditionExpression: '#status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status },
      }),
    ),
  );
  const { sendProblems } = await makeDashboardStore(table).dashboardFacts(window, now);
  const full = aggregateDashboard({
    now,
    intake: entries.items
      .filter(live)
      .map((item) => IntakeEntry.parse(item))
      .filter((entry) => entry.receivedAt < window.to)
      .map(({ receivedAt, outcome }) => ({ receivedAt, outcome })),
    openTickets: open.flatMap((partition) => partition.items.filter(live).map((item) => Ticket.parse(item))),
    sendProblems,
    truncated: false,
    clockOf: (ticket) => responseClock(ticket, DEFAULT_WORK_TARGETS, now),
  });
  return { summarized: await dashboard(deps), full };
}

async function putEntry(id: string, receivedAt: string, outcome: Outcome) {
  await table.client.send(
    new PutCommand({
      TableName: table.tableName,
      Item: intakeEntryItem(
        {
          sesMessageId: id,
          envelopeFrom: 'camille.martin@ac-dijon.fr',
          recipient: 'assistance1d@ac-dijon.fr',
          subject: 'LSUN',
          receivedAt,
          outcome,
          detail: outcome,
          rawMail: { bucket: 'raw', key: `incoming/${id}` },
        },
        EXPIRES,
      ),
    }),
  );
}

const tick = (now: Date) =>
  summarizeIntakeDays({ intakeDays: makeIntakeSummaryStore(table), now: () => now });

beforeAll(async () => {
  test = await makeTestResources('intake-summaries');
  table = { client: documentClient(test.clients.dynamodb), tableName: test.resources.tableName };
  const random = seededRandom(7);
  // Prepare: the seed ends with the tick's count at NOW.
  await putEntry('before-midnight', '2026-03-28T22:59:59.999Z', 'ticket_created'); // 28 March, 23:59:59.999
  await putEntry('at-midnight', '2026-03-28T23:00:00.000Z', 'follow_up'); // 29 March, 00:00 (23-hour day)
  await putEntry('last-of-29', '2026-03-29T21:59:59.999Z', 'rate_limited'); // 29 March, 23:59:59.999 (summer time)
  await putEntry('first-of-30', '2026-03-29T22:00:00.000Z', 'no_keyword'); // 30 March, 00:00
  await seedConsoleData({
    client: table.client,
    tableName: table.tableName,
    bucket: test.resources.bucket,
    directors: generateDirectory(random, 60).directors,
    random,
    now: NOW,
    size: { tickets: 150, intakeEntries: 900, days: 45 },
  });
}, 120_000);

afterAll(() => test?.destroy());

describe('the dashboard from day summaries', () => {
  it('shows the same figures as from every entry, reading only today entry by entry', async () => {
    // Act
    const { summarized, full } = await bothDashboards(NOW);
    const facts = await makeDashboardStore(table).dashboardFacts(intakeWindow(NOW), NOW);

    // Assess
    expect(summarized).toEqual(full);
    expect(full.intakeByDay.reduce((sum, day) => sum + day.total, 0)).toBeGreaterThan(50);
    expect(full.openTickets.total).toBeGreaterThan(20);
    expect(full.oldestUnanswered).toHaveLength(10);
    expect(full.lateTickets.total).toBeGreaterThan(0);
    expect(full.intakeByDay.find((day) => day.day === '2026-03-29')?.outcomes).toMatchObject({
      follow_up: expect.any(Number),
      rate_limited: expect.any(Number),
    });
    expect(facts.intakeDays).toHaveLength(29);
    expect(facts.intake.every((fact) => fact.receivedAt >= '2026-04-04T22:00:00.000Z')).toBe(true);
  });

  it('shows an entry landing late in a counted day, and a held mail accepted after its day was counted, from the next tick on', async () => {
    // Prepare: a redriven mail of 29 March recorded now; the rate-limited mail of 29 March accepted now.
    const day29 = (figures: Awaited<ReturnType<typeof dashboard>>) =>
      figures.intakeByDay.find((day) => day.day === '2026-03-29');
    const before = day29((await bothDashboards(NOW)).full);
    await putEntry('redriven', '2026-03-29T07:00:00.000Z', 'ticket_created');
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: keys.intakeEntry('last-of-29'),
        UpdateExpression: 'SET outcome = :accepted, acceptedBy = :actor',
        ExpressionAttributeValues: { ':accepted': 'ticket_created', ':actor': 'agent1@ac-dijon.fr' },
      }),
    );

    // Act
    const untilTheTick = day29((await bothDashboards(NOW)).summarized);
    await tick(NEXT_TICK);
    const { summarized, full } = await bothDashboards(NEXT_TICK);

    // Assess: until the tick the day is as counted; from it, as every entry says.
    expect(untilTheTick).toEqual(before);
    expect(summarized).toEqual(full);
    expect(day29(full)?.total).toBe((before?.total ?? 0) + 1);
    expect(day29(full)?.outcomes.rate_limited).toBe((before?.outcomes.rate_limited ?? 0) - 1);
    expect(day29(full)?.outcomes.ticket_created).toBe((before?.outcomes.ticket_created ?? 0) + 2);
  });

  it('shows the tickets written after the snapshot of the open tickets: answered, closed, opened, merged', async () => {
    // Prepare: four of the oldest unanswered tickets; each writer a minute after the one before.
    const { full: before } = await bothDashboards(NEXT_TICK);
    const [replied = '', closed = '', merged = '', target = ''] = before.oldestUnanswered.map(
      (t) => t.number,
    );
    let at = NEXT_TICK;
    const later = () => {
      at = new Date(at.getTime() + 60_000);
      return at;
    };
    const actor = { email: 'agent1@ac-dijon.fr', name: 'Agent Un' };

    // Act
    await replyToTicket(
      { number: replied, actor, text: 'Voici la marche à suivre.' },
      staffDeps(table, later).deps,
    );
    await changeTicketStatus({ number: closed, actor, status: 'clos' }, staffDeps(table, later).deps);
    await makeIntakeLogStore(table).recordIntake(recording(intakeEntry('after-snapshot')));
    await makeTicketOpeningStore(table).openTickets([
      { ...opening('after-snapshot', 2027), now: later().toISOString() },
    ]);
    const { deps } = staffDeps(table, later);
    await mergeTicket(
      { number: merged, into: target, actor },
      { ...deps, merges: makeTicketMergeStore(table) },
    );
    const { summarized, full } = await bothDashboards(later());

    // Assess
    expect(summarized).toEqual(full);
    expect(full.openTickets.total).toBe(before.openTickets.total - 1);
    expect(full.oldestUnanswered.map((t) => t.number)).not.toContain(replied);
    expect(full.oldestUnanswered.map((t) => t.number)).not.toContain(closed);
    expect(full.oldestUnanswered.map((t) => t.number)).not.toContain(merged);
  });
});
