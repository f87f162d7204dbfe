/**
 * Bulk actions over in-memory ports: each ticket goes through the single action's step (its
 * history line, its retention), a retried bulk request acts on no ticket twice, one ticket's
 * refusal or fault does not stop the others; and the sentence the console announces.
 */
import { describe, expect, it } from 'vitest';
import { type BulkAction, bulkSummary } from '#shared/domain/bulk.ts';
import type { Ticket, TicketHistoryEntry } from '#shared/domain/records.ts';
import { DuplicateRequestError, StaleTicketError } from '#shared/domain/staff-ports.ts';
import type { RequestClaim, StoredTicket, TicketChange } from '#shared/domain/ticket-actions.ts';
import { assignTicket } from '#shared/steps/staff/actions.ts';
import { bulkTicketAction } from '#shared/steps/staff/bulk.ts';
import type { TicketActionDeps } from '#shared/steps/staff/deps.ts';

const NOW = new Date('2026-12-07T09:00:00Z');
const agent = { email: 'agent@ac-dijon.fr', name: 'Agent Dijon' };
const other = { email: 'agent2@ac-dijon.fr', name: 'Agent Deux' };

function ticket(number: string, status: Ticket['status'] = 'nouveau'): Ticket {
  return {
    number,
    status,
    subject: 'Question',
    requester: { email: 'camille.martin@ac-dijon.fr', name: 'Camille Martin' },
    schools: [],
    participants: [],
    openedBy: 'mail-1',
    createdAt: '2026-12-01T08:00:00Z',
    updatedAt: '2026-12-01T08:00:00Z',
    messageCount: 1,
  };
}

/** The single actions' ports in memory: tickets, their history, request claims, purge dates. */
function memoryDesk(tickets: Ticket[], options: { failOn?: string } = {}) {
  const stored = new Map<string, StoredTicket>(
    tickets.map((t) => [t.number, { ticket: t, expiresAt: undefined }]),
  );
  const history: TicketHistoryEntry[] = [];
  const claims = new Map<string, RequestClaim>();
  const expiries = new Map<string, number>();
  let id = 0;
  const deps: TicketActionDeps = {
    ticketStore: {
      async getTicket(number) {
        if (number === options.failOn) throw new Error('DynamoDB unavailable');
        const found = stored.get(number);
        return found && { ticket: { ...found.ticket }, expiresAt: found.expiresAt };
      },
      async readTicket() {
        throw new Error('not used by assignments and status changes');
      },
      async findMessage() {
        return undefined;
      },
      async readRequest(number, requestId) {
        return claims.get(`${number}/${requestId}`);
      },
      async commit(change: TicketChange) {
        const key = change.claim && `${change.number}/${change.claim.requestId}`;
        const earlier = key ? claims.get(key) : undefined;
        if (earlier) throw new DuplicateRequestError(earlier);
        const current = stored.get(change.number);
        if (!current || current.ticket.status !== change.expectedStatus)
          throw new StaleTicketError(change.number);
        const next: Ticket = { ...current.ticket, ...change.set } as Ticket;
        for (const field of change.remove ?? []) delete (next as Record<string, unknown>)[field];
        stored.set(change.number, { ticket: next, expiresAt: change.set?.expiresAt ?? current.expiresAt });
        history.push(change.history);
        if (key && change.claim) claims.set(key, change.claim.record);
      },
    },
    ticketRetention: {
      async setExpiry(number, expiresAt) {
        expiries.set(number, expiresAt);
        return 1;
      },
      async clearExpiry(number) {
        expiries.delete(number);
        return 1;
      },
    },
    retentionDays: 365,
    now: () => NOW,
    newId: () => `id-${++id}`,
  };
  return { deps, stored, history, expiries };
}

const A = 'LSUN-2026-00001';
const B = 'LSUN-2026-00002';
const C = 'LSUN-2026-00003';

describe('bulkTicketAction', () => {
  it('assigns each ticket through the single action: one history line each, by the agent who acted', async () => {
    // Prepare
    const desk = memoryDesk([ticket(A), ticket(B), ticket(C)]);
    const action: BulkAction = { kind: 'assign', assignee: other.email };
    // Act
    const answer = await bulkTicketAction(
      { actor: agent, numbers: [A, B, C], action, requestId: 'req-00001' },
      desk.deps,
    );
    // Assess
    expect(answer.results).toEqual([A, B, C].map((number) => ({ number, ok: true, changed: true })));
    expect(
      desk.history.map((line) => [line.ticketNumber, line.action, line.actor, line.from, line.to]),
    ).toEqual([A, B, C].map((number) => [number, 'assign', agent.email, null, other.email]));
    expect([A, B, C].map((number) => desk.stored.get(number)?.ticket.assignee)).toEqual([
      other.email,
      other.email,
      other.email,
    ]);
  });

  it('acts on no ticket twice when the same bulk request comes again, even after someone changed a ticket', async () => {
    // Prepare
    const desk = memoryDesk([ticket(A), ticket(B)]);
    const input = {
      actor: agent,
      numbers: [A, B],
      action: { kind: 'assign', assignee: agent.email } as BulkAction,
      requestId: 'req-00002',
    };
    await bulkTicketAction(input, desk.deps);
    await assignTicket({ number: A, actor: other, assignee: other.email }, desk.deps);
    // Act
    const retried = await bulkTicketAction(input, desk.deps);
    // Assess
    expect(retried.results).toEqual([
      { number: A, ok: true, changed: true },
      { number: B, ok: true, changed: true },
    ]);
    expect(desk.history).toHaveLength(3);
    expect(desk.stored.get(A)?.ticket.assignee).toBe(other.email);
  });

  it('closes each open ticket with its purge date, and refuses the unknown and the already closed without stopping', async () => {
    // Prepare
    const desk = memoryDesk([ticket(A, 'en_cours'), ticket(B, 'clos'), ticket(C, 'resolu')]);
    const unknown = 'LSUN-2026-09999';
    // Act
    const answer = await bulkTicketAction(
      { actor: agent, numbers: [A, B, unknown, C], action: { kind: 'close' }, requestId: 'req-00003' },
      desk.deps,
    );
    // Assess
    expect(answer.results).toEqual([
      { number: A, ok: true, changed: true },
      { number: B, ok: false, error: { code: 'ticket_already_closed', message: `${B} est déjà clos.` } },
      {
        number: unknown,
        ok: false,
        error: { code: 'ticket_not_found', message: `Le ticket ${unknown} n'existe pas.` },
      },
      { number: C, ok: true, changed: true },
    ]);
    expect(desk.stored.get(A)?.ticket.status).toBe('clos');
    expect(desk.stored.get(C)?.ticket.closedAt).toBe(NOW.toISOString());
    expect([...desk.expiries.keys()].sort()).toEqual([A, C]);
  });

  it('answers a closing that a retried request already made as done, not as « déjà clos »', async () => {
    // Prepare
    const desk = memoryDesk([ticket(A)]);
    const input = {
      actor: agent,
      numbers: [A],
      action: { kind: 'close' } as BulkAction,
      requestId: 'req-00004',
    };
    await bulkTicketAction(input, desk.deps);
    // Act
    const retried = await bulkTicketAction(input, desk.deps);
    // Assess
    expect(retried.results).toEqual([{ number: A, ok: true, changed: true }]);
    expect(desk.history).toHaveLength(1);
  });

  it('reports a status already held as done without a change, and a ticket given twice once', async () => {
    // Prepare
    const desk = memoryDesk([ticket(A, 'en_cours'), ticket(B)]);
    // Act
    const answer = await bulkTicketAction(
      {
        actor: agent,
        numbers: [A, B, A],
        action: { kind: 'status', status: 'en_cours' },
        requestId: 'req-00005',
      },
      desk.deps,
    );
    // Assess
    expect(answer.results).toEqual([
      { number: A, ok: true, changed: false },
      { number: B, ok: true, changed: true },
    ]);
    expect(desk.history.map((line) => line.ticketNumber)).toEqual([B]);
  });

  it('answers a fault of ours on one ticket for that ticket only, without its details', async () => {
    // Prepare
    const desk = memoryDesk([ticket(A), ticket(B)], { failOn: A });
    // Act
    const answer = await bulkTicketAction(
      {
        actor: agent,
        numbers: [A, B],
        action: { kind: 'status', status: 'en_cours' },
        requestId: 'req-00006',
      },
      desk.deps,
    );
    // Assess
    expect(answer.results[0]).toMatchObject({ number: A, ok: false, error: { code: 'internal' } });
    expect(answer.results[0]?.error?.message).not.toContain('DynamoDB');
    expect(answer.results[1]).toEqual({ number: B, ok: true, changed: true });
  });
});

describe('bulkSummary', () => {
  it('counts what was done and names each refused ticket with its reason', () => {
    // Prepare
    const results = [
      ...Array.from({ length: 12 }, (_, i) => ({ number: `LSUN-2026-0010${i}`, ok: true, changed: true })),
      { number: B, ok: false, error: { code: 'ticket_already_closed', message: `${B} est déjà clos.` } },
    ];
    // Act
    const sentence = bulkSummary({ kind: 'assign', assignee: agent.email }, results);
    // Assess
    expect(sentence).toBe(`12 tickets attribués, 1 refusé : ${B} est déjà clos.`);
  });

  it('counts apart the tickets that already were as asked', () => {
    // Act
    const sentence = bulkSummary({ kind: 'status', status: 'resolu' }, [
      { number: A, ok: true, changed: true },
      { number: B, ok: true, changed: false },
      { number: C, ok: true, changed: false },
    ]);
    // Assess
    expect(sentence).toBe('3 tickets passés « Résolu » (dont 2 l’étaient déjà).');
  });

  it('says one ticket in the singular, and the status it was moved to', () => {
    // Act
    const sentence = bulkSummary({ kind: 'status', status: 'en_cours' }, [
      { number: A, ok: true, changed: true },
    ]);
    // Assess
    expect(sentence).toBe('1 ticket passé « En cours ».');
  });
});
