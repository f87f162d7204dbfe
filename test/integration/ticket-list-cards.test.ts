/**
 * The ticket list's circonscription and free-text filters over the tickets' cards (gsi5), against
 * DynamoDB Local: the same tickets, in the same order, with cursors that go on where a page
 * stopped, as filtering the tickets in code; the tickets read before the migration marker; the
 * migration itself.
 */
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { ticketCardItem } from '#shared/adapters/items.ts';
import { keys } from '#shared/adapters/keys.ts';
import { migrateTicketCards, migrateTicketCardsIfNeeded } from '#shared/adapters/ticket-card-migration.ts';
import { LIST_READ_BUDGET, makeTicketListStore } from '#shared/adapters/ticket-list-store.ts';
import type { Ticket, TicketStatus } from '#shared/domain/records.ts';
import type { TicketListReads } from '#shared/domain/staff-ports.ts';
import { type TicketListRequest, ticketCard } from '#shared/domain/ticket-list.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';
import { listPages, school, ticketItem } from '../support/staff.ts';

type Request = Omit<TicketListRequest, 'now' | 'after'>;

describe('the ticket list over the tickets’ cards', () => {
  const TOTAL = 2_000;
  const NOW = new Date('2026-06-01T00:00:00.000Z');
  const statusOf = (i: number): TicketStatus =>
    (['nouveau', 'en_cours', 'en_attente', 'resolu'] as const)[i % 20] ?? 'clos';
  // Rare matches, 1 in 40: a circonscription spelled three ways (case, accents, spaces), as a
  // ticket's first school or (1 in 400) its second; a subject with accents.
  const SPELLINGS = ['Côte Nord', 'COTE NORD', 'cote  nord'];
  const inNord = (i: number) => i % 40 === 7 || i % 400 === 123;
  const withText = (i: number) => i % 40 === 19 || i % 400 === 7;
  // Tickets 800–811 were opened at the same instant: a group a page must never split unread.
  const createdAtOf = (i: number) =>
    new Date(Date.UTC(2025, 8, 1, 6) + (i >= 800 && i < 812 ? 800 : i) * 2 * 3_600_000).toISOString();
  // A closed ticket past its purge date (its card stays until the purge takes the partition), and
  // a ticket already purged whose card is left: both match, neither is listed.
  const PURGED = 327;
  const GONE = 567;
  // Tickets opened before cards existed: no card until the migration.
  const WITHOUT_CARD = [1047, 1527];
  // A card a merge rewrote with a school the ticket item here does not have: the migration keeps it.
  const MERGED = 1567;
  const numberOf = (i: number) => `LSUN-2025-${String(i + 1).padStart(5, '0')}`;
  const tickets: Ticket[] = Array.from({ length: TOTAL }, (_, i) => ({
    number: numberOf(i),
    status: statusOf(i),
    subject: withText(i) ? 'Édition du livret impossible' : 'LSUN bulletins',
    requester: { email: `directeur${i}@ac-dijon.fr`, name: `Directeur ${i}` },
    schools: [
      school(
        `021${String(i).padStart(4, '0')}A`,
        '21',
        i % 40 === 7 ? (SPELLINGS[i % 3] as string) : `Circo ${i % 12}`,
      ),
      ...(i % 400 === 123 ? [school('0589999Z', '58', SPELLINGS[1])] : []),
    ],
    participants: [`directeur${i}@ac-dijon.fr`],
    openedBy: `ses-${i}`,
    createdAt: createdAtOf(i),
    updatedAt: createdAtOf(i),
    messageCount: 2,
    ...(i % 3 === 0 ? { assignee: 'agent@ac-dijon.fr' } : {}),
  }));
  const live = (i: number) => i !== PURGED && i !== GONE;

  let own: TestResources;
  let store: TicketListReads;
  /** The same lists filtering the tickets in code, as before cards. */
  let reference: TicketListReads;
  /** The indexes the queries read, in order. */
  const indexesRead: string[] = [];
  const table = () => ({ client: documentClient(own.clients.dynamodb), tableName: own.resources.tableName });

  beforeAll(async () => {
    own = await makeTestResources('ticket-cards');
    const { client, tableName } = table();
    const items = tickets.flatMap((ticket, i) => [
      ...(i === GONE
        ? []
        : [
            {
              ...ticketItem(ticket),
              ...(i === PURGED ? { expiresAt: Math.floor(NOW.getTime() / 1000) - 60 } : {}),
            },
          ]),
      ...(WITHOUT_CARD.includes(i) ? [] : [ticketCardItem(ticket, ticketCard(ticket))]),
    ]);
    for (let start = 0; start < items.length; start += 25) {
      let requests = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const { UnprocessedItems } = await client.send(
          new BatchWriteCommand({ RequestItems: { [tableName]: requests } }),
        );
        requests = (UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    }
    const merged = tickets[MERGED] as Ticket;
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: ticketCardItem(
          merged,
          ticketCard({ ...merged, schools: [...merged.schools, school('0710001A', '71', 'Mâcon')] }),
        ),
      }),
    );
    const counted = documentClient(own.clients.dynamodb);
    counted.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'QueryCommand')
          indexesRead.push(String((args.input as { IndexName?: string }).IndexName));
        return next(args);
      },
      { step: 'initialize', name: 'recordIndexes' },
    );
    store = makeTicketListStore({ client: counted, tableName });
    reference = makeTicketListStore({ client: counted, tableName, readCards: false, pushFilters: false });
  }, 120_000);

  afterAll(() => own?.destroy());

  /** The numbers a request must list, in its order. */
  const expected = (request: Request, keep: (i: number) => boolean) => {
    const want = tickets.map((_, i) => i).filter((i) => live(i) && keep(i));
    want.sort((a, b) => (createdAtOf(a) < createdAtOf(b) ? -1 : createdAtOf(a) > createdAtOf(b) ? 1 : a - b));
    if (request.order === 'desc') want.reverse();
    return want.map(numberOf);
  };

  it('reads the tickets, cards or not, until the migration has given every ticket its card', async () => {
    // Act
    indexesRead.length = 0;
    const request: Request = {
      filter: { circonscription: 'côte nord' },
      sort: 'created',
      order: 'desc',
      limit: 10,
    };
    const pages = await listPages(store, request, NOW);

    // Assess: the tickets without a card are there; no card was read.
    const numbers = pages.flatMap((page) => page.numbers);
    expect(numbers).toEqual(expected(request, inNord));
    for (const i of WITHOUT_CARD) expect(numbers).toContain(numberOf(i));
    expect(indexesRead.every((index) => index === 'gsi1')).toBe(true);
  });

  it('migrates: writes the missing cards, keeps those there, then marks the table; once marked, the tick leaves it', async () => {
    // Act: the tick's first run, a rerun after an interruption, the tick's next run.
    const done = await migrateTicketCardsIfNeeded(table());
    const again = await migrateTicketCards(table());
    const next = await migrateTicketCardsIfNeeded(table());

    // Assess
    expect(done).toEqual({
      tickets: TOTAL - 1,
      written: WITHOUT_CARD.length,
      present: TOTAL - 1 - WITHOUT_CARD.length,
    });
    expect(again.written).toBe(0);
    expect(next).toBeUndefined();
    const { client, tableName } = table();
    const read = async (key: Record<string, unknown>) =>
      (await client.send(new GetCommand({ TableName: tableName, Key: key }))).Item;
    expect(await read(keys.ticketCardsMigrated())).toBeDefined();
    expect((await read(keys.ticketCard(numberOf(1047))))?.circs).toEqual(['cote nord']);
    expect((await read(keys.ticketCard(numberOf(MERGED))))?.circs).toEqual(['cote nord', 'macon']);
  });

  describe('once migrated, the same lists as filtering the tickets in code', () => {
    const cases: Array<{ name: string; request: Request; keep: (i: number) => boolean }> = [
      {
        name: 'a circonscription, newest first',
        request: { filter: { circonscription: 'COTE nord' }, sort: 'created', order: 'desc', limit: 10 },
        keep: inNord,
      },
      {
        name: 'a free text without case or accents, oldest first',
        request: { filter: { q: 'edition DU livret' }, sort: 'created', order: 'asc', limit: 7 },
        keep: withText,
      },
      {
        name: 'both, with open statuses and an assignee checked on the tickets',
        request: {
          filter: { circonscription: 'Côte Nord', statuses: ['nouveau', 'en_cours', 'en_attente', 'resolu'] },
          sort: 'created',
          order: 'desc',
          limit: 3,
        },
        keep: (i) => inNord(i) && statusOf(i) !== 'clos',
      },
      {
        name: 'a school, first or second of its tickets, with a free text that every ticket has',
        request: { filter: { uai: '0589999Z', q: 'directeur' }, sort: 'created', order: 'desc', limit: 2 },
        keep: (i) => i % 400 === 123,
      },
      {
        name: 'a free text within a period, with an assignee',
        request: {
          filter: {
            q: 'livret',
            assignee: 'agent@ac-dijon.fr',
            createdFrom: '2025-10-01T00:00:00.000Z',
            createdTo: '2026-01-01T00:00:00.000Z',
          },
          sort: 'created',
          order: 'asc',
          limit: 4,
        },
        keep: (i) =>
          withText(i) &&
          i % 3 === 0 &&
          createdAtOf(i) >= '2025-10-01T00:00:00.000Z' &&
          createdAtOf(i) < '2026-01-01T00:00:00.000Z',
      },
    ];

    for (const { name, request, keep } of cases) {
      it(`gives every match once, in order, page by page: ${name}`, async () => {
        // Unlimited, both read to the end: the same pages and cursors. Within a budget, the cards
        // go further on a page (a card is a third of a ticket), and still list every match once.
        for (const budget of [
          { items: 1_000_000, queries: 10_000 },
          LIST_READ_BUDGET,
          { items: 450, queries: 20 },
        ]) {
          // Act
          indexesRead.length = 0;
          const onCards = await listPages(store, { ...request, budget }, NOW);
          const read = [...indexesRead];
          const inCode = await listPages(reference, { ...request, budget }, NOW);

          // Assess
          const want = expected(request, keep);
          expect(want.length).toBeGreaterThan(0);
          expect(onCards.flatMap((page) => page.numbers)).toEqual(want);
          expect(inCode.flatMap((page) => page.numbers)).toEqual(want);
          expect(new Set(read)).toEqual(new Set(['gsi5']));
          for (const page of onCards) {
            expect(page.numbers.length).toBeLessThanOrEqual(request.limit);
            // A page stops within a chunk of cards and its tickets past the budget.
            expect(page.items).toBeLessThanOrEqual(budget.items + 2 * 200);
          }
          // An empty last page is offered only by a page the budget stopped.
          const [beforeLast, lastPage] = onCards.slice(-2);
          if (beforeLast && lastPage?.numbers.length === 0)
            expect(beforeLast.items >= budget.items || beforeLast.queries >= budget.queries).toBe(true);
          if (budget.items === 1_000_000) {
            const strip = (pages: typeof onCards) => pages.map(({ numbers, next }) => ({ numbers, next }));
            expect(strip(onCards)).toEqual(strip(inCode));
          }
        }
      });
    }

    it('skips a ticket whose card is left after its ticket was purged', async () => {
      // Act
      const { client, tableName } = table();
      await client.send(new DeleteCommand({ TableName: tableName, Key: keys.ticket(numberOf(GONE + 40)) }));
      const request: Request = {
        filter: { circonscription: 'cote nord' },
        sort: 'created',
        order: 'asc',
        limit: 50,
      };
      const pages = await listPages(store, request, NOW);

      // Assess
      expect(pages.flatMap((page) => page.numbers)).toEqual(
        expected(request, (i) => inNord(i) && i !== GONE + 40),
      );
    });
  });
});
