import { describe, expect, it } from 'vitest';
import { RequestIdReusedError } from '#shared/domain/errors.ts';
import type { IntakeEntry, Ticket, TicketHistoryEntry, TicketNote } from '#shared/domain/records.ts';
import {
  closingRepair,
  conversationOf,
  historyLine,
  historyOf,
  needsPurgeDate,
  type RequestClaim,
  replayable,
  type StoredMessage,
  statusAfterReply,
  statusChange,
} from '#shared/domain/ticket-actions.ts';

const AT = '2026-03-05T09:00:00.000Z';
const ACT = { id: 'h1', number: 'LSUN-2026-00042', at: AT, actor: 'agent@ac-dijon.fr' };

function ticket(extra: Partial<Ticket> = {}): Ticket {
  return {
    number: 'LSUN-2026-00042',
    status: 'en_cours',
    subject: 'LSUN : bulletins',
    requester: { email: 'camille.martin@ac-dijon.fr', name: 'Camille Martin' },
    schools: [],
    participants: ['camille.martin@ac-dijon.fr'],
    openedBy: 'ses-1',
    createdAt: '2026-03-02T08:00:00.000Z',
    updatedAt: '2026-03-02T08:00:00.000Z',
    messageCount: 2,
    ...extra,
  };
}

function message(id: string, at: string): StoredMessage {
  return {
    id,
    ticketNumber: 'LSUN-2026-00042',
    direction: 'in',
    at,
    from: 'camille.martin@ac-dijon.fr',
    subject: 'LSUN',
    text: 'Bonjour',
    attachments: [],
  };
}

function note(id: string, at: string): TicketNote {
  return { id, ticketNumber: 'LSUN-2026-00042', at, author: 'agent@ac-dijon.fr', text: 'Note' };
}

describe('historyLine', () => {
  it('records who did what, when, and from which value to which', () => {
    // Act
    const line = historyLine(ACT, 'assign', { from: null, to: 'dominique.durand@ac-dijon.fr' });

    // Assess
    expect(line).toEqual({
      id: 'h1',
      ticketNumber: 'LSUN-2026-00042',
      at: AT,
      actor: 'agent@ac-dijon.fr',
      action: 'assign',
      from: null,
      to: 'dominique.durand@ac-dijon.fr',
    });
  });
});

describe('statusAfterReply', () => {
  it('leaves the ticket waiting for the director unless another status is asked', () => {
    expect(statusAfterReply(undefined)).toBe('en_attente');
    expect(statusAfterReply('resolu')).toBe('resolu');
  });
});

describe('statusChange', () => {
  it('starts the retention period when closing: closedAt and a purge date the retention period away', () => {
    // Act
    const change = statusChange({ ticket: ticket(), to: 'clos', act: ACT, retentionDays: 365 });

    // Assess
    const purge = Date.parse(AT) / 1000 + 365 * 86_400;
    expect(change.expiresAt).toBe(purge);
    expect(change.set).toEqual({ status: 'clos', updatedAt: AT, closedAt: AT, expiresAt: purge });
    expect(change.remove).toEqual([]);
    expect(change.history).toMatchObject({ action: 'status', from: 'en_cours', to: 'clos' });
  });

  it('ends the retention period when reopening', () => {
    // Act
    const change = statusChange({
      ticket: ticket({ status: 'clos', closedAt: AT }),
      to: 'en_cours',
      act: ACT,
      retentionDays: 365,
    });

    // Assess
    expect(change.expiresAt).toBeUndefined();
    expect(change.set).toEqual({ status: 'en_cours', updatedAt: AT });
    expect(change.remove).toEqual(['closedAt', 'expiresAt']);
  });

  it('touches no retention between two open statuses', () => {
    // Act
    const change = statusChange({ ticket: ticket(), to: 'resolu', act: ACT, retentionDays: 365 });

    // Assess
    expect(change.expiresAt).toBeUndefined();
    expect(change.set).toEqual({ status: 'resolu', updatedAt: AT });
    expect(change.remove).toEqual([]);
  });
});

describe('closingRepair', () => {
  it('sets the purge date again when a closed ticket is closed again', () => {
    expect(closingRepair({ ticket: ticket({ status: 'clos' }), expiresAt: 1_900_000_000 }, 'clos')).toBe(
      1_900_000_000,
    );
  });

  it('repairs nothing for another status, or without a purge date', () => {
    expect(closingRepair({ ticket: ticket(), expiresAt: undefined }, 'en_cours')).toBeUndefined();
    expect(
      closingRepair({ ticket: ticket({ status: 'clos' }), expiresAt: undefined }, 'clos'),
    ).toBeUndefined();
  });
});

describe('needsPurgeDate', () => {
  it('after a closing, picks the items without that purge date', () => {
    expect(needsPurgeDate({}, 100)).toBe(true);
    expect(needsPurgeDate({ expiresAt: 99 }, 100)).toBe(true);
    expect(needsPurgeDate({ expiresAt: 100 }, 100)).toBe(false);
  });

  it('after a reopening, picks the items that still have one', () => {
    expect(needsPurgeDate({ expiresAt: 100 }, undefined)).toBe(true);
    expect(needsPurgeDate({}, undefined)).toBe(false);
  });
});

describe('replayable', () => {
  const history: TicketHistoryEntry = historyLine(ACT, 'note', { itemId: 'n1' });
  const claim: RequestClaim = { kind: 'note', at: AT, note: note('n1', AT), history };

  it('gives back what the first request of the same kind recorded', () => {
    expect(replayable(claim, 'note', 'req-12345678')).toBe(claim);
  });

  it('refuses a request id that served another kind of action, or a claim it cannot read', () => {
    expect(() => replayable(claim, 'reply', 'req-12345678')).toThrow(RequestIdReusedError);
    expect(() => replayable({ kind: 'unknown' }, 'note', 'req-12345678')).toThrow(
      "L'identifiant de requête req-12345678 a déjà servi à une autre action.",
    );
  });
});

describe('conversationOf', () => {
  it('puts mails and notes together in time order, then by id', () => {
    // Act
    const conversation = conversationOf({
      messages: [message('m2', '2026-03-03T00:00:00.000Z'), message('m1', '2026-03-01T00:00:00.000Z')],
      notes: [note('b', '2026-03-02T00:00:00.000Z'), note('a', '2026-03-02T00:00:00.000Z')],
    });

    // Assess
    expect(conversation.map((entry) => [entry.kind, entry.id])).toEqual([
      ['message', 'm1'],
      ['note', 'a'],
      ['note', 'b'],
      ['message', 'm2'],
    ]);
  });
});

describe('historyOf', () => {
  const entry = { sesMessageId: 'ses-1' } as IntakeEntry;

  it('starts with the opening by the requester, then the actions in time order', () => {
    // Act
    const history = historyOf(
      {
        ticket: ticket(),
        history: [historyLine({ ...ACT, at: '2026-03-04T00:00:00.000Z' }, 'note', { itemId: 'n1' })],
      },
      entry,
    );

    // Assess
    expect(history.map(({ id, action, actor }) => ({ id, action, actor }))).toEqual([
      { id: 'opened', action: 'opened', actor: 'camille.martin@ac-dijon.fr' },
      { id: 'h1', action: 'note', actor: 'agent@ac-dijon.fr' },
    ]);
  });

  it('shows who accepted a held mail into the ticket, before its opening', () => {
    // Act
    const history = historyOf(
      { ticket: ticket(), history: [] },
      { ...entry, acceptedBy: 'agent@ac-dijon.fr', acceptedAt: '2026-03-02T08:00:00.000Z' },
    );

    // Assess
    expect(history).toEqual([
      {
        id: 'accepted',
        ticketNumber: 'LSUN-2026-00042',
        at: '2026-03-02T08:00:00.000Z',
        actor: 'agent@ac-dijon.fr',
        action: 'accepted',
        itemId: 'ses-1',
      },
      {
        id: 'opened',
        ticketNumber: 'LSUN-2026-00042',
        at: '2026-03-02T08:00:00.000Z',
        actor: 'camille.martin@ac-dijon.fr',
        action: 'opened',
      },
    ]);
  });
});
