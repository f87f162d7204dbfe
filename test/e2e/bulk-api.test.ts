/**
 * `POST /api/tickets/bulk` end to end, through `npm start`'s own stack: tickets as the ticket
 * step writes them, then assigned, moved and closed in one request each over HTTP with a local
 * token; each ticket's page shows the single action's history line; a retried request acts on
 * no ticket twice; one refusal does not stop the others; bad bodies are refused in French.
 */
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLocalClients } from '#local/emulators.ts';
import { BulkAnswer } from '#shared/api/bulk-contract.ts';
import { TicketDetail } from '#shared/api/contract.ts';
import type { Ticket } from '#shared/domain/records.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { ticketItem } from '../support/staff.ts';

let stack: TestStack;
let agentToken: string;
let noGroupToken: string;

const numbers = Array.from({ length: 5 }, (_, i) => `LSUN-2026-${String(90_001 + i).padStart(5, '0')}`);
const [one = '', two = '', three = '', four = '', five = ''] = numbers;

function ticket(number: string, status: Ticket['status']): Ticket {
  return {
    number,
    status,
    subject: `LSUN : question ${number}`,
    requester: { email: 'camille.martin@ac-dijon.fr', name: 'Camille Martin' },
    schools: [],
    participants: ['camille.martin@ac-dijon.fr'],
    openedBy: `mail-${number}`,
    createdAt: '2026-12-01T08:00:00.000Z',
    updatedAt: '2026-12-01T08:00:00.000Z',
    messageCount: 1,
    ...(status === 'clos' ? { closedAt: '2026-12-02T08:00:00.000Z' } : {}),
  };
}

async function post(body: unknown, token: string | null = agentToken) {
  const response = await fetch(`${stack.desk.httpUrl}/api/tickets/bulk`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

async function detail(number: string) {
  const response = await fetch(`${stack.desk.httpUrl}/api/tickets/${number}`, {
    headers: { authorization: `Bearer ${agentToken}` },
  });
  return TicketDetail.parse(await response.json());
}

beforeAll(async () => {
  stack = await startTestStack({ seedDirectory: false });
  agentToken = await stack.token('agent@ac-dijon.fr', ['agent']);
  noGroupToken = await stack.token('visiteur@ac-dijon.fr', []);
  const { dynamodb } = makeLocalClients(stack.desk.endpoints);
  const client = DynamoDBDocumentClient.from(dynamodb);
  const statuses: Ticket['status'][] = ['nouveau', 'en_cours', 'nouveau', 'clos', 'en_attente'];
  for (const [i, number] of numbers.entries()) {
    await client.send(
      new PutCommand({
        TableName: stack.desk.resources.tableName,
        Item: ticketItem(ticket(number, statuses[i] ?? 'nouveau')),
      }),
    );
  }
  dynamodb.destroy();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('POST /api/tickets/bulk', () => {
  it('assigns three tickets in one request, each with its own history line, and a retry adds none', async () => {
    // Prepare
    const request = {
      requestId: 'bulk-assign-0001',
      numbers: [one, two, three],
      action: { kind: 'assign', assignee: 'Agent2@ac-dijon.fr' },
    };
    // Act
    const first = await post(request);
    const retried = await post(request);
    // Assess
    expect(first.status).toBe(200);
    expect(BulkAnswer.parse(first.body).results).toEqual(
      [one, two, three].map((number) => ({ number, ok: true, changed: true })),
    );
    expect(BulkAnswer.parse(retried.body).results.every((result) => result.ok)).toBe(true);
    for (const number of [one, two, three]) {
      const page = await detail(number);
      expect(page.assignee).toBe('agent2@ac-dijon.fr');
      expect(page.history.filter((line) => line.action === 'assign')).toEqual([
        expect.objectContaining({ actor: 'agent@ac-dijon.fr', from: null, to: 'agent2@ac-dijon.fr' }),
      ]);
    }
  });

  it('closes the open tickets, refusing the closed and the unknown ones without stopping', async () => {
    // Prepare
    const unknown = 'LSUN-2026-99999';
    // Act
    const answer = await post({
      requestId: 'bulk-close-0001',
      numbers: [four, unknown, five],
      action: { kind: 'close' },
    });
    // Assess
    expect(answer.status).toBe(200);
    expect(BulkAnswer.parse(answer.body).results).toEqual([
      {
        number: four,
        ok: false,
        error: { code: 'ticket_already_closed', message: `${four} est déjà clos.` },
      },
      {
        number: unknown,
        ok: false,
        error: { code: 'ticket_not_found', message: `Le ticket ${unknown} n'existe pas.` },
      },
      { number: five, ok: true, changed: true },
    ]);
    const closed = await detail(five);
    expect(closed.status).toBe('clos');
    expect(closed.history.at(-1)).toMatchObject({ action: 'status', from: 'en_attente', to: 'clos' });
  });

  it('refuses more than 100 tickets, an unknown action and a missing request id, in French', async () => {
    // Act
    const tooMany = await post({
      requestId: 'bulk-many-0001',
      numbers: Array.from({ length: 101 }, (_, i) => `LSUN-2026-${String(i + 1).padStart(5, '0')}`),
      action: { kind: 'close' },
    });
    const unknownAction = await post({
      requestId: 'bulk-what-0001',
      numbers: [one],
      action: { kind: 'delete' },
    });
    const noRequestId = await post({ numbers: [one], action: { kind: 'close' } });
    // Assess
    expect(tooMany).toMatchObject({
      status: 400,
      body: { error: { details: [{ message: 'Au plus 100 tickets à la fois.' }] } },
    });
    expect(unknownAction.status).toBe(400);
    expect(noRequestId.status).toBe(400);
  });

  it('answers 401 without a token and 403 without a staff group', async () => {
    // Act
    const anonymous = await post(
      { requestId: 'bulk-anon-0001', numbers: [one], action: { kind: 'close' } },
      null,
    );
    const visitor = await post(
      { requestId: 'bulk-anon-0001', numbers: [one], action: { kind: 'close' } },
      noGroupToken,
    );
    // Assess
    expect(anonymous.status).toBe(401);
    expect(visitor.status).toBe(403);
    expect((await detail(one)).status).toBe('nouveau');
  });
});
