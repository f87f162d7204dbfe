/**
 * The rules of merging a duplicate ticket into another: which merges are refused (and why, in
 * French), when asking again resumes one already decided, what the decision writes on each side,
 * and how a moved item takes the target's number and purge date.
 */
import { describe, expect, it } from 'vitest';
import type { School } from '#shared/domain/directory.ts';
import type { Ticket } from '#shared/domain/records.ts';
import { purgeDate } from '#shared/domain/retention.ts';
import {
  MergeIntoSelfError,
  MergeSendPendingError,
  MergeTargetClosedError,
  MergeTargetMergedError,
  mergeDecision,
  mergeMark,
  movedItem,
  sendPending,
  TicketAlreadyMergedError,
} from '#shared/domain/ticket-merge.ts';

const AT = '2026-03-05T09:00:00.000Z';

function school(uai: string): School {
  return {
    uai,
    name: `École ${uai}`,
    commune: 'Dijon',
    circonscription: 'Dijon Centre',
    departement: '21',
    mailbox: `ce.${uai.toLowerCase()}@ac-dijon.fr`,
  };
}

function ticket(number: string, extra: Partial<Ticket> = {}): Ticket {
  return {
    number,
    status: 'en_cours',
    subject: 'LSUN : bulletins',
    requester: { email: 'camille.martin@ac-dijon.fr', name: 'Camille Martin' },
    schools: [school('0211234C')],
    participants: ['camille.martin@ac-dijon.fr'],
    openedBy: 'ses-1',
    createdAt: '2026-03-02T08:00:00.000Z',
    updatedAt: '2026-03-02T08:00:00.000Z',
    messageCount: 2,
    ...extra,
  };
}

const SOURCE = 'LSUN-2026-00043';
const TARGET = 'LSUN-2026-00042';

describe('mergeDecision', () => {
  it('merges an open ticket into another open one', () => {
    // Prepare / Act / Assess
    expect(mergeDecision(ticket(SOURCE), ticket(TARGET))).toBe('merge');
  });

  it('refuses a ticket merged into itself, with a 422 and a French reason', () => {
    // Prepare
    const same = ticket(TARGET);
    // Act
    const refusal = () => mergeDecision(same, same);
    // Assess
    expect(refusal).toThrow(MergeIntoSelfError);
    expect(refusal).toThrow(`Le ticket ${TARGET} ne peut pas être fusionné dans lui-même.`);
    expect(new MergeIntoSelfError(TARGET).kind).toBe('unprocessable');
  });

  it('refuses a closed target (its items are due for purge) with a 409', () => {
    // Prepare
    const closed = ticket(TARGET, { status: 'clos', closedAt: AT });
    // Act
    const refusal = () => mergeDecision(ticket(SOURCE), closed);
    // Assess
    expect(refusal).toThrow(MergeTargetClosedError);
    expect(refusal).toThrow(/est clos : rouvrez-le/);
    expect(new MergeTargetClosedError(TARGET).kind).toBe('conflict');
  });

  it('refuses a target that was itself merged, naming where to merge instead', () => {
    // Prepare
    const merged = ticket(TARGET, { status: 'clos', mergedInto: 'LSUN-2026-00001' });
    // Act
    const refusal = () => mergeDecision(ticket(SOURCE), merged);
    // Assess
    expect(refusal).toThrow(MergeTargetMergedError);
    expect(refusal).toThrow(/fusionnez plutôt dans LSUN-2026-00001/);
  });

  it('refuses a ticket already merged into another ticket', () => {
    // Prepare
    const merged = ticket(SOURCE, { status: 'clos', mergedInto: 'LSUN-2026-00001' });
    // Act
    const refusal = () => mergeDecision(merged, ticket(TARGET));
    // Assess
    expect(refusal).toThrow(TicketAlreadyMergedError);
    expect(refusal).toThrow(`Le ticket ${SOURCE} a déjà été fusionné dans LSUN-2026-00001.`);
  });

  it('resumes the same merge asked again, even though the source is now closed', () => {
    // Prepare
    const merged = ticket(SOURCE, { status: 'clos', mergedInto: TARGET });
    // Act / Assess
    expect(mergeDecision(merged, ticket(TARGET))).toBe('resume');
  });
});

describe('mergeMark', () => {
  const mark = mergeMark({
    source: {
      ticket: ticket(SOURCE, {
        status: 'en_attente',
        messageCount: 3,
        participants: ['Camille.Martin@ac-dijon.fr', 'ce.0215678d@ac-dijon.fr'],
        schools: [school('0211234C'), school('0215678D')],
      }),
      expiresAt: undefined,
    },
    target: { ticket: ticket(TARGET), expiresAt: undefined },
    actor: 'agent@ac-dijon.fr',
    at: AT,
    ids: { source: 'h-source', target: 'h-target' },
    retentionDays: 365,
  });

  it('closes the source with mergedInto and a purge date, on condition of what was read', () => {
    // Assess
    expect(mark.source).toMatchObject({
      number: SOURCE,
      expectedStatus: 'en_attente',
      expectedMessageCount: 3,
      set: { status: 'clos', closedAt: AT, mergedInto: TARGET, expiresAt: purgeDate(AT, 365) },
    });
  });

  it("gives the target the source's participants and schools once each, and its message count", () => {
    // Assess
    expect(mark.target.set.participants).toEqual(['camille.martin@ac-dijon.fr', 'ce.0215678d@ac-dijon.fr']);
    expect(mark.target.set.schools.map((s) => s.uai)).toEqual(['0211234C', '0215678D']);
    expect(mark.target.addMessages).toBe(3);
  });

  it('writes a history line on both sides saying who merged which into which, and when', () => {
    // Assess
    for (const [side, number, id] of [
      [mark.source, SOURCE, 'h-source'],
      [mark.target, TARGET, 'h-target'],
    ] as const) {
      expect(side.history).toEqual({
        id,
        ticketNumber: number,
        at: AT,
        actor: 'agent@ac-dijon.fr',
        action: 'merge',
        from: SOURCE,
        to: TARGET,
      });
    }
  });
});

describe('movedItem', () => {
  it("drops a closed source's purge date when the target is open", () => {
    // Prepare
    const item = { id: 'm1', ticketNumber: SOURCE, at: AT, text: 'Bonjour', expiresAt: 1_800_000_000 };
    // Act
    const moved = movedItem(item, { ticket: ticket(TARGET), expiresAt: undefined });
    // Assess
    expect(moved).toEqual({ id: 'm1', ticketNumber: TARGET, at: AT, text: 'Bonjour' });
  });

  it("takes the target's purge date when the target has one", () => {
    // Prepare
    const item = { id: 'm1', ticketNumber: SOURCE, at: AT };
    // Act
    const moved = movedItem(item, { ticket: ticket(TARGET), expiresAt: 1_900_000_000 });
    // Assess
    expect(moved).toEqual({ id: 'm1', ticketNumber: TARGET, at: AT, expiresAt: 1_900_000_000 });
  });
});

describe('sendPending', () => {
  it('holds a merge while a mail of the duplicate waits for the mailer, which would not find it once moved', () => {
    // Prepare
    const queued = [{ direction: 'in' as const }, { direction: 'out' as const, status: 'queued' as const }];
    const sent = [{ direction: 'in' as const }, { direction: 'out' as const, status: 'sent' as const }];
    // Act / Assess
    expect(sendPending(queued)).toBe(true);
    expect(sendPending(sent)).toBe(false);
    expect(new MergeSendPendingError(SOURCE).message).toBe(
      `Un courriel du ticket ${SOURCE} est en cours d'envoi : réessayez la fusion dans un instant.`,
    );
  });
});
