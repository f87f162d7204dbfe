/**
 * The dashboard's reads against DynamoDB Local: the intake log within the window (reception
 * time and outcome only) and the open tickets, without closed or purged items.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { makeDashboardStore } from '#shared/adapters/dashboard-store.ts';
import { keys } from '#shared/adapters/keys.ts';
import type { Ticket, TicketStatus } from '#shared/domain/records.ts';
import type { DashboardFacts } from '#shared/domain/staff-ports.ts';
import { dashboard } from '#shared/steps/staff/reads.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';
import { school, staffDeps, ticketItem } from '../support/staff.ts';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const PAST = Math.floor(NOW.getTime() / 1000) - 1;
const WINDOW = { from: '2026-03-01T00:00:00.000Z', to: '2026-03-11T00:00:00.000Z' };

let test: TestResources;
let store: DashboardFacts;
let put: (item: Record<string, unknown>) => Promise<unknown>;

function ticket(number: string, status: TicketStatus): Ticket {
  return {
    number,
    status,
    subject: 'LSUN',
    requester: { email: 'camille.martin@ac-dijon.fr', name: 'Camille Martin' },
    schools: [school('0211234C', '21')],
    participants: ['camille.martin@ac-dijon.fr'],
    openedBy: `ses-${number}`,
    createdAt: '2026-03-02T08:00:00.000Z',
    updatedAt: '2026-03-02T08:00:00.000Z',
    messageCount: 2,
  };
}

async function intake(id: string, receivedAt: string, expiresAt?: number) {
  await put({
    ...keys.intakeEntry(id),
    ...keys.intakeByTime(receivedAt, id),
    sesMessageId: id,
    receivedAt,
    outcome: 'ticket_created',
    ...(expiresAt === undefined ? {} : { expiresAt }),
  });
}

beforeAll(async () => {
  test = await makeTestResources('dashboard');
  const client = documentClient(test.clients.dynamodb);
  const tableName = test.resources.tableName;
  store = makeDashboardStore({ client, tableName });
  put = (item) => client.send(new PutCommand({ TableName: tableName, Item: item }));
  await intake('before', '2026-02-28T23:59:59.000Z');
  await intake('in', '2026-03-05T08:00:00.000Z');
  await intake('purged', '2026-03-06T08:00:00.000Z', PAST);
  await intake('end', WINDOW.to);
  // The window is read in slices: 10 days in 6, so one slice ends where the next begins, at 16:00.
  await intake('on-a-slice-boundary', '2026-03-02T16:00:00.000Z');
  await put(ticketItem(ticket('LSUN-2026-00001', 'nouveau')));
  await put(ticketItem(ticket('LSUN-2026-00002', 'resolu')));
  await put(ticketItem(ticket('LSUN-2026-00003', 'clos')));
  await put({ ...ticketItem(ticket('LSUN-2026-00004', 'en_cours')), expiresAt: PAST });
});

afterAll(() => test?.destroy());

describe('the dashboard facts', () => {
  it('reads the intake within the window once (an entry where two slices meet too) and the open tickets, without closed or purged ones', async () => {
    // Act
    const facts = await store.dashboardFacts(WINDOW, NOW);

    // Assess
    expect(facts.intake).toEqual([
      { receivedAt: '2026-03-02T16:00:00.000Z', outcome: 'ticket_created' },
      { receivedAt: '2026-03-05T08:00:00.000Z', outcome: 'ticket_created' },
    ]);
    expect(facts.openTickets.map((open) => open.number).sort()).toEqual([
      'LSUN-2026-00001',
      'LSUN-2026-00002',
    ]);
    expect(facts.openTickets[0]).not.toHaveProperty('pk');
    expect(facts.truncated).toBe(false);
  });
});

describe('the dashboard step', () => {
  it('counts the open tickets late in working hours, with the targets of the configuration', async () => {
    // Prepare: LSUN-2026-00001 is new, unanswered since Monday 2 March 09:00 Paris; now is Tuesday 10 March.
    const table = { client: documentClient(test.clients.dynamodb), tableName: test.resources.tableName };
    const { deps } = staffDeps(table, () => NOW);
    const patient = { ...deps, work: { firstResponseHours: 100, resolutionHours: 200 } };

    // Act
    const withDefaults = await dashboard(deps);
    const withLongTargets = await dashboard(patient);

    // Assess
    expect(withDefaults.lateTickets).toEqual({ total: 1, firstResponse: 1, resolution: 1 });
    expect(withLongTargets.lateTickets).toEqual({ total: 0, firstResponse: 0, resolution: 0 });
  });
});
