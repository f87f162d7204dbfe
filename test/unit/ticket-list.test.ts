import { describe, expect, it } from 'vitest';
import type { Ticket } from '#shared/domain/records.ts';
import { filtersInCode, ticketMatches } from '#shared/domain/ticket-list.ts';

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
