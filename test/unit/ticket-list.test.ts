import { describe, expect, it } from 'vitest';
import type { Ticket } from '#shared/domain/records.ts';
import { exactConditions, filtersInCode, ticketMatches } from '#shared/domain/ticket-list.ts';

const TICKET: Ticket = {
  number: 'LSUN-2026-00042',
  status: 'en_cours',
  subject: 'LSUN : problème d’édition des livrets',
  requester: { email: 'camille.martin@ac-dijon.fr', name: 'Camille Martin' },
  schools: [
    {
      uai: '0211234C',
      name: 'École élémentaire des Tilleuls',
      commune: 'Dijon',
      circonscription: 'Dijon Centre',
      departement: '21',
      mailbox: 'ce.0211234c@ac-dijon.fr',
    },
  ],
  participants: ['camille.martin@ac-dijon.fr'],
  openedBy: 'ses-1',
  createdAt: '2026-03-02T08:00:00.000Z',
  updatedAt: '2026-03-02T08:00:00.000Z',
  messageCount: 2,
  assignee: 'agent@ac-dijon.fr',
};

describe('ticketMatches', () => {
  it('finds free text without case or accents in the number, subject, requester and schools', () => {
    for (const q of ['EDITION des livrets', 'tilleuls', 'camille', '00042', '0211234c'])
      expect(ticketMatches({ q })(TICKET)).toBe(true);
    expect(ticketMatches({ q: 'bulletins' })(TICKET)).toBe(false);
  });

  it('keeps a school by département, UAI (upper case) or circonscription (without case or accents)', () => {
    expect(ticketMatches({ departement: '21' })(TICKET)).toBe(true);
    expect(ticketMatches({ departement: '58' })(TICKET)).toBe(false);
    expect(ticketMatches({ uai: '0211234C' })(TICKET)).toBe(true);
    expect(ticketMatches({ circonscription: 'dijon  CENTRE' })(TICKET)).toBe(true);
    expect(ticketMatches({ circonscription: 'Beaune' })(TICKET)).toBe(false);
  });

  it('keeps an assignee, or unassigned tickets with `none`', () => {
    expect(ticketMatches({ assignee: 'agent@ac-dijon.fr' })(TICKET)).toBe(true);
    expect(ticketMatches({ assignee: 'none' })(TICKET)).toBe(false);
    expect(ticketMatches({ assignee: 'none' })({ ...TICKET, assignee: undefined })).toBe(true);
  });

  it('keeps statuses and a creation period (from inclusive, to exclusive)', () => {
    expect(ticketMatches({ statuses: ['nouveau', 'en_cours'] })(TICKET)).toBe(true);
    expect(ticketMatches({ statuses: ['clos'] })(TICKET)).toBe(false);
    expect(ticketMatches({ createdFrom: TICKET.createdAt })(TICKET)).toBe(true);
    expect(ticketMatches({ createdTo: TICKET.createdAt })(TICKET)).toBe(false);
  });
});

describe('filtersInCode', () => {
  it('leaves statuses, and the period sorted by creation, to the indexes', () => {
    expect(filtersInCode({ statuses: ['nouveau'], createdFrom: 'x' }, 'created')).toBe(false);
    expect(filtersInCode({ createdFrom: 'x' }, 'updated')).toBe(true);
    expect(filtersInCode({ departement: '21' }, 'created')).toBe(true);
  });
});

describe('ticketMatches, late tickets', () => {
  // Created Monday 2 March 2026 at 09:00 Paris: the first reply is due at 17:00 that day, the
  // resolution on Friday 6 March at 09:00 (40 working hours).
  const unanswered: Ticket = { ...TICKET, answeredAt: undefined };
  const answered: Ticket = { ...TICKET, answeredAt: '2026-03-02T10:00:00.000Z' };

  it('keeps a ticket late for its first reply from its due time, and no longer once answered', () => {
    // Prepare
    const beforeDue = { now: new Date('2026-03-02T15:59:00.000Z') };
    const atDue = { now: new Date('2026-03-02T16:00:00.000Z') };

    // Act
    const answers = [
      ticketMatches({ late: 'first_response' }, beforeDue)(unanswered),
      ticketMatches({ late: 'first_response' }, atDue)(unanswered),
      ticketMatches({ late: 'first_response' }, atDue)(answered),
    ];

    // Assess
    expect(answers).toEqual([false, true, false]);
  });

  it('keeps a ticket late for its resolution until it is resolved, with the targets given', () => {
    // Prepare
    const friday = { now: new Date('2026-03-06T08:00:00.000Z') };
    const shortTargets = {
      now: new Date('2026-03-02T10:00:00.000Z'),
      work: { firstResponseHours: 1, resolutionHours: 1 },
    };

    // Act
    const answers = [
      ticketMatches({ late: 'resolution' }, friday)(answered),
      ticketMatches({ late: 'resolution' }, friday)({ ...answered, status: 'resolu' }),
      ticketMatches({ late: 'any' }, shortTargets)(answered),
      ticketMatches({ late: 'resolution' }, { now: new Date('2026-03-06T07:59:00.000Z') })(answered),
    ];

    // Assess
    expect(answers).toEqual([true, false, true, false]);
  });

  it('runs the late filter in code: no index knows working hours', () => {
    // Act
    const inCode = filtersInCode({ late: 'any' }, 'created');

    // Assess
    expect(inCode).toBe(true);
  });
});

describe('the exact-match conditions DynamoDB can apply', () => {
  it('sends the assignee, département and UAI, and keeps the circonscription and free text in code', () => {
    // Act
    const all = exactConditions({
      assignee: 'none',
      departement: '21',
      uai: '0211234C',
      circonscription: 'Dijon Centre',
      q: 'livret',
      statuses: ['nouveau'],
    });
    const none = exactConditions({ circonscription: 'Dijon Centre', q: 'livret', late: 'any' });

    // Assess
    expect(all).toEqual({ assignee: 'none', departement: '21', uai: '0211234C' });
    expect(none).toBeUndefined();
  });
});
