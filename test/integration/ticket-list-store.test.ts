/**
 * The ticket list against DynamoDB Local over a few thousand tickets: filtered lists that come
 * back with bounded reads, merged status partitions, cursors that go on where a page stopped.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { LIST_READ_BUDGET, makeTicketListStore } from '#shared/adapters/ticket-list-store.ts';
import { TicketListQuery } from '#shared/api/contract.ts';
import type { Ticket, TicketStatus } from '#shared/domain/records.ts';
import type { TicketListReads } from '#shared/domain/staff-ports.ts';
import type { TicketListItem } from '#shared/domain/ticket-views.ts';
import type { StaffDeps } from '#shared/steps/staff/deps.ts';
import { listTickets } from '#shared/steps/staff/reads.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';
import { listPages, school, staffDeps, ticketItem } from '../support/staff.ts';

const query = (input: Record<string, string>) => TicketListQuery.parse(input);

describe('the ticket list over a few thousand tickets', () => {
  const TOTAL = 3_000;
  const RARE_UAI = '0215555K';
  const rare = new Set([7, 17, 503, 1200, 1999, 2500, 2998]);
  const departements = ['21', '58', '71', '89'];
  const statusOf = (i: number): TicketStatus =>
    (['nouveau', 'en_cours', 'en_attente', 'resolu'] as const)[i % 20] ?? 'clos';
  const departementOf = (i: number) => departements[Math.floor(i / 3) % 4] as string;
  // Rare matches, 1 in 40, for the filters DynamoDB applies: an agent, and a school that is a
  // ticket's second (1 in 40) or third (1 in 400).
  const RARE_AGENT = 'rare.agent@ac-dijon.fr';
  const SECOND_UAI = '0216666S';
  const extraSchools = (i: number) =>
    i % 400 === 77 ? ['0217777B', SECOND_UAI] : i % 40 === 21 ? [SECOND_UAI] : [];
  const schoolsOf = (i: number) => [rare.has(i) ? RARE_UAI : 'other', ...extraSchools(i)];
  // Tickets 1000–1023 were opened at the same instant (a group the list must never split
  // unread, with a rare agent's and a rare school's ticket in it).
  const GROUP = { from: 1000, to: 1024 };
  const createdAtOf = (i: number) =>
    new Date(
      Date.UTC(2025, 8, 1, 6) + (i >= GROUP.from && i < GROUP.to ? GROUP.from : i) * 2 * 3_600_000,
    ).toISOString();
  const updatedAtOf = (i: number) =>
    new Date(Date.parse(createdAtOf(i)) + (i % 7) * 3_600_000 * 30).toISOString();
  let store: TicketListReads;
  /** The same list with every filter in code: what the filter sent to DynamoDB must not change. */
  let reference: TicketListReads;
  let deps: StaffDeps;
  let queries: { count: number };
  /** Items the counted client's queries got back. */
  let returned: { count: number };
  /** The index of each query the counted client made. */
  const indexesRead: string[] = [];
  let own: TestResources;

  beforeAll(async () => {
    // A table of its own: the tickets of the other tests must not show in these lists.
    own = await makeTestResources('ticket-list');
    const writer = documentClient(own.clients.dynamodb);
    const listTable = own.resources.tableName;
    const tickets: Ticket[] = Array.from({ length: TOTAL }, (_, i) => {
      const createdAt = createdAtOf(i);
      return {
        number: `LSUN-2025-${String(i + 1).padStart(5, '0')}`,
        status: statusOf(i),
        subject: i % 100 === 42 ? 'LSUN : problème d’édition des livrets' : 'LSUN bulletins',
        requester: { email: `directeur${i}@ac-dijon.fr`, name: `Directeur ${i}` },
        schools: [
          rare.has(i)
            ? school(RARE_UAI, '21', 'Beaune')
            : school(
                `0${departementOf(i)}${String(i).padStart(4, '0')}A`,
                departementOf(i),
                `Circo ${i % 12}`,
              ),
          ...extraSchools(i).map((uai) => school(uai, departementOf(i), `Circo ${i % 12}`)),
        ],
        participants: [`directeur${i}@ac-dijon.fr`],
        openedBy: `ses-${i}`,
        createdAt,
        updatedAt: updatedAtOf(i),
        messageCount: 2,
        ...(i % 10 === 5 ? { assignee: 'agent@ac-dijon.fr' } : i % 40 === 13 ? { assignee: RARE_AGENT } : {}),
      };
    });
    for (let start = 0; start < tickets.length; start += 25) {
      let requests = tickets
        .slice(start, start + 25)
        .map((ticket) => ({ PutRequest: { Item: ticketItem(ticket) } }));
      while (requests.length > 0) {
        const { UnprocessedItems } = await writer.send(
          new BatchWriteCommand({ RequestItems: { [listTable]: requests } }),
        );
        requests = (UnprocessedItems?.[listTable] ?? []) as typeof requests;
      }
    }
    // A store of its own, with a client whose queries are counted.
    const counted = documentClient(own.clients.dynamodb);
    queries = { count: 0 };
    returned = { count: 0 };
    counted.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'QueryCommand') return next(args);
        queries.count += 1;
        indexesRead.push(String((args.input as { IndexName?: string }).IndexName));
        const result = await next(args);
        returned.count += (result.output as { Items?: unknown[] }).Items?.length ?? 0;
        return result;
      },
      { step: 'initialize', name: 'countQueries' },
    );
    store = makeTicketListStore({ client: counted, tableName: listTable });
    reference = makeTicketListStore({ client: counted, tableName: listTable, pushFilters: false });
    deps = staffDeps(
      { client: counted, tableName: listTable },
      () => new Date('2026-06-01T00:00:00.000Z'),
    ).deps;
  }, 120_000);

  afterAll(() => own?.destroy());

  /** Every page of a list, each page's cost checked against the read budget. */
  async function walk(input: Record<string, string>, using: StaffDeps = deps) {
    const numbers: string[] = [];
    const tickets: TicketListItem[] = [];
    const pages: Array<{ size: number; queries: number }> = [];
    let cursor: string | undefined;
    do {
      const before = queries.count;
      const parsed = query({ ...input, ...(cursor ? { cursor } : {}) });
      const page = await listTickets(parsed, using);
      pages.push({ size: page.items.length, queries: queries.count - before });
      numbers.push(...page.items.map((ticket) => ticket.number));
      tickets.push(...page.items);
      cursor = page.nextCursor ?? undefined;
      if (pages.length > 200) throw new Error('too many pages');
    } while (cursor);
    return { numbers, tickets, pages };
  }

  const expected = (keep: (i: number) => boolean) =>
    Array.from({ length: TOTAL }, (_, i) => i)
      .filter(keep)
      .map((i) => `LSUN-2025-${String(i + 1).padStart(5, '0')}`);

  it('fills a page of one département from a bounded read, newest first', async () => {
    // Act
    const before = queries.count;
    const page = await store.listTickets({
      filter: { departement: '58' },
      sort: 'created',
      order: 'desc',
      limit: 50,
      now: new Date('2026-06-01T00:00:00.000Z'),
    });

    // Assess: a quarter of the tickets match, so about four pages' worth is read, not the table.
    expect(page.items).toHaveLength(50);
    expect(page.items.every((ticket) => ticket.schools.some((s) => s.departement === '58'))).toBe(true);
    expect(page.items.map((ticket) => ticket.number)).toEqual(
      expected((i) => departementOf(i) === '58')
        .reverse()
        .slice(0, 50),
    );
    expect(page.reads.items).toBeLessThanOrEqual(400);
    expect(queries.count - before).toBe(page.reads.queries);
    expect(page.reads.queries).toBeLessThanOrEqual(2);
    expect(page.next).toBeDefined();
  });

  it('walks a rare school through short pages, each within the read budget, finding every ticket once', async () => {
    // Act
    const { numbers, pages } = await walk({ uai: RARE_UAI.toLowerCase(), limit: '20' });

    // Assess
    expect(numbers).toEqual(expected((i) => rare.has(i)).reverse());
    for (const page of pages) expect(page.queries).toBeLessThanOrEqual(LIST_READ_BUDGET.queries + 1);
    expect(pages.length).toBeGreaterThan(1);
  });

  it('reads open statuses in creation order from their own partitions, oldest first, without reading closed tickets', async () => {
    // Act
    const first = await store.listTickets({
      filter: { statuses: ['nouveau', 'en_cours'] },
      sort: 'created',
      order: 'asc',
      limit: 25,
      now: new Date('2026-06-01T00:00:00.000Z'),
    });
    const all = await walk({ status: 'nouveau,en_cours', sort: 'created', order: 'asc', limit: '25' });

    // Assess
    const open = expected((i) => i % 20 === 0 || i % 20 === 1);
    expect(first.items.map((ticket) => ticket.number)).toEqual(open.slice(0, 25));
    expect(first.reads.items).toBeLessThanOrEqual(2 * 26);
    expect(all.numbers).toEqual(open);
  });

  it('merges every status by last update, newest first, each ticket once', async () => {
    // Act
    const { numbers, tickets, pages } = await walk({
      sort: 'updated',
      limit: '100',
      from: '2026-01-01',
      to: '2026-01-31',
    });

    // Assess: the period (creation, Paris days) is applied too.
    const inJanuary = (i: number) =>
      createdAtOf(i) >= '2025-12-31T23:00:00.000Z' && createdAtOf(i) < '2026-01-31T23:00:00.000Z';
    const want = expected(inJanuary);
    expect([...numbers].sort()).toEqual(want);
    expect(new Set(numbers).size).toBe(numbers.length);
    const updated = tickets.map((ticket) => ticket.updatedAt);
    expect(updated).toEqual([...updated].sort().reverse());
    for (const page of pages) expect(page.queries).toBeLessThanOrEqual(LIST_READ_BUDGET.queries + 5);
  });

  it('finds free text without case or accents, and an assignee, within the budget', async () => {
    // Act
    const text = await walk({ q: 'EDITION des livrets', limit: '50' });
    const assigned = await store.listTickets({
      filter: { assignee: 'agent@ac-dijon.fr', statuses: ['clos'] },
      sort: 'updated',
      order: 'desc',
      limit: 10,
      now: new Date('2026-06-01T00:00:00.000Z'),
    });

    // Assess
    expect(text.numbers).toEqual(expected((i) => i % 100 === 42).reverse());
    expect(assigned.items).toHaveLength(10);
    expect(
      assigned.items.every((ticket) => ticket.assignee === 'agent@ac-dijon.fr' && ticket.status === 'clos'),
    ).toBe(true);
  });

  describe('filters DynamoDB applies (assignee, UAI, département) on rare matches', () => {
    const NOW = new Date('2026-06-01T00:00:00.000Z');
    type Request = Omit<Parameters<TicketListReads['listTickets']>[0], 'now' | 'after'>;

    const cases: Array<{ name: string; request: Request; keep: (i: number) => boolean }> = [
      {
        name: 'an agent, by creation, newest first',
        request: { filter: { assignee: RARE_AGENT }, sort: 'created', order: 'desc', limit: 10 },
        keep: (i) => i % 10 !== 5 && i % 40 === 13,
      },
      {
        name: 'an agent among closed tickets, by last update, oldest first (gsi2)',
        request: {
          filter: { assignee: RARE_AGENT, statuses: ['clos'] },
          sort: 'updated',
          order: 'asc',
          limit: 10,
        },
        keep: (i) => i % 10 !== 5 && i % 40 === 13 && statusOf(i) === 'clos',
      },
      {
        name: 'a school found as second or third school',
        request: { filter: { uai: SECOND_UAI }, sort: 'created', order: 'desc', limit: 10 },
        keep: (i) => schoolsOf(i).includes(SECOND_UAI),
      },
      {
        name: 'a school among closed tickets (gsi3, a bare time)',
        request: { filter: { uai: SECOND_UAI, statuses: ['clos'] }, sort: 'created', order: 'asc', limit: 5 },
        keep: (i) => schoolsOf(i).includes(SECOND_UAI) && statusOf(i) === 'clos',
      },
      {
        name: 'unassigned in a département, with the code-only free text',
        request: {
          filter: { assignee: 'none', departement: '71', q: 'livrets' },
          sort: 'created',
          order: 'desc',
          limit: 4,
        },
        keep: (i) => i % 10 !== 5 && i % 40 !== 13 && departementOf(i) === '71' && i % 100 === 42,
      },
    ];

    for (const { name, request, keep } of cases) {
      it(`gives the same pages, cursors and reads as filtering in code: ${name}`, async () => {
        for (const budget of [LIST_READ_BUDGET, { items: 450, queries: 20 }]) {
          // Act
          const pushed = await listPages(store, { ...request, budget }, NOW);
          const inCode = await listPages(reference, { ...request, budget }, NOW);

          // Assess: page by page, the same; in all, every match once, in the list's order.
          expect(pushed).toEqual(inCode);
          const want = expected(keep).map((number) => ({ number, i: Number(number.slice(-5)) - 1 }));
          const time = (i: number) => (request.sort === 'created' ? createdAtOf(i) : updatedAtOf(i));
          want.sort((a, b) => (time(a.i) < time(b.i) ? -1 : time(a.i) > time(b.i) ? 1 : a.i - b.i));
          if (request.order === 'desc') want.reverse();
          expect(pushed.flatMap((page) => page.numbers)).toEqual(want.map(({ number }) => number));
          expect(want.length).toBeGreaterThan(0);
        }
      });
    }

    it("reads an agent's list by creation from the agent's own index (gsi6): only the agent's tickets", async () => {
      // Prepare: the rare agent's tickets, newest first, statuses left to the list.
      const agents = expected((i) => i % 10 !== 5 && i % 40 === 13);
      const newestFirst = [...agents].reverse();
      indexesRead.length = 0;
      const before = returned.count;

      // Act
      const pages = await listPages(
        store,
        { filter: { assignee: RARE_AGENT }, sort: 'created', order: 'desc', limit: 50 },
        NOW,
      );

      // Assess: every ticket once, in order, from gsi6 alone, each page reading one past its end.
      expect(pages.flatMap((page) => page.numbers)).toEqual(newestFirst);
      expect(new Set(indexesRead)).toEqual(new Set(['gsi6']));
      expect(returned.count - before).toBeLessThanOrEqual(agents.length + pages.length);
    });

    it("reads an agent's list as before gsi6 while DynamoDB is still filling it after an upgrade", async () => {
      // Prepare: a client to which DynamoDB answers, for gsi6, what it answers while backfilling.
      const filling = documentClient(own.clients.dynamodb);
      filling.middlewareStack.add(
        (next) => async (args) => {
          if ((args.input as { IndexName?: string }).IndexName === 'gsi6')
            throw Object.assign(new Error('Cannot read from backfilling global secondary index: gsi6'), {
              name: 'ValidationException',
            });
          return next(args);
        },
        { step: 'initialize', name: 'gsi6Backfilling' },
      );
      const during = makeTicketListStore({ client: filling, tableName: own.resources.tableName });

      // Act
      const pages = await listPages(
        during,
        { filter: { assignee: RARE_AGENT }, sort: 'created', order: 'desc', limit: 50 },
        NOW,
      );

      // Assess: the same tickets, in the same order, read from gsi1.
      const agents = expected((i) => i % 10 !== 5 && i % 40 === 13);
      expect(pages.flatMap((page) => page.numbers)).toEqual([...agents].reverse());
    });

    it('reads as much as filtering in code but gets only the matches back', async () => {
      // Act
      const request = {
        filter: { uai: SECOND_UAI },
        sort: 'created',
        order: 'desc',
        limit: 50,
        now: NOW,
      } as const;
      const before = returned.count;
      const pushed = await store.listTickets(request);
      const pushedReturned = returned.count - before;
      const inCode = await reference.listTickets(request);
      const inCodeReturned = returned.count - before - pushedReturned;

      // Assess: the same items read (DynamoDB bills those), far fewer sent back.
      expect(pushed.reads).toEqual(inCode.reads);
      expect(pushed.items).toEqual(inCode.items);
      expect(inCodeReturned).toBe(pushed.reads.items);
      // Only the matches come back: those on the page, and the last one read if the budget
      // stopped the page just before it.
      expect(pushed.items.length).toBeGreaterThan(0);
      expect(pushedReturned).toBeLessThanOrEqual(pushed.items.length + 1);
    });
  });

  it('goes straight to a ticket when the free text is its number', async () => {
    // Act
    const before = queries.count;
    const page = await listTickets(query({ q: 'lsun-2025-00042' }), deps);

    // Assess
    expect(page.items.map((ticket) => ticket.number)).toEqual(['LSUN-2025-00042']);
    expect(page.nextCursor).toBeNull();
    expect(queries.count - before).toBe(0);
  });
  describe('response clocks', () => {
    // Monday 5 January 2026 at 08:00 in Paris: a first reply is late for every running ticket
    // created by Friday 2 January at 10:00 Paris (8 working hours ending that Friday at 18:00);
    // the ones created later are due on Monday or after.
    const monday = () => new Date('2026-01-05T07:00:00.000Z');
    const running = (i: number) => i % 20 <= 2;

    it('keeps only the tickets late for their first reply, across pages, reading only running statuses', async () => {
      // Prepare
      const atMonday = staffDeps(
        { client: documentClient(own.clients.dynamodb), tableName: own.resources.tableName },
        monday,
      ).deps;

      // Act
      const { numbers, tickets, pages } = await walk(
        { late: 'first_response', sort: 'due', order: 'asc', limit: '50' },
        atMonday,
      );

      // Assess
      expect(numbers).toEqual(expected((i) => running(i) && createdAtOf(i) <= '2026-01-02T09:00:00.000Z'));
      expect(tickets.every((ticket) => ticket.clock.firstResponse.late && ticket.clock.late)).toBe(true);
      expect(pages.length).toBeGreaterThan(1);
    });

    it('reads no ticket created after the last one that can be late, newest first', async () => {
      // Act: about 240 running tickets were created after Friday 10:00, none of them late.
      const page = await store.listTickets({
        filter: { late: 'first_response', statuses: ['nouveau', 'en_cours', 'en_attente'] },
        sort: 'created',
        order: 'desc',
        limit: 20,
        now: monday(),
      });

      // Assess: the page starts at the bound, each partition read once, a page's worth.
      const late = expected((i) => running(i) && createdAtOf(i) <= '2026-01-02T09:00:00.000Z').reverse();
      expect(page.items.map((ticket) => ticket.number)).toEqual(late.slice(0, 20));
      expect(page.reads.queries).toBe(3);
      expect(page.reads.items).toBeLessThanOrEqual(3 * 21);
    });

    it('sorts by due time, the most urgent first, each ticket with its clocks', async () => {
      // Prepare
      const atMonday = staffDeps(
        { client: documentClient(own.clients.dynamodb), tableName: own.resources.tableName },
        monday,
      ).deps;

      // Act
      const page = await listTickets(
        query({ sort: 'due', order: 'asc', status: 'nouveau', limit: '30' }),
        atMonday,
      );

      // Assess
      const dues = page.items.map((ticket) => ticket.clock.firstResponse.dueAt);
      expect(page.items.map((ticket) => ticket.number)).toEqual(expected((i) => i % 20 === 0).slice(0, 30));
      expect(dues).toEqual([...dues].sort());
      // The first ticket: Monday 1 September 2025 at 08:00 Paris, due 8 working hours later at 16:00
      // for its first reply, and 40 working hours (four whole days) later, Thursday 4 at 18:00, for its resolution.
      expect(page.items[0]?.clock.firstResponse.dueAt).toBe('2025-09-01T14:00:00.000Z');
      expect(page.items[0]?.clock.resolution.dueAt).toBe('2025-09-04T16:00:00.000Z');
    });
  });
});
