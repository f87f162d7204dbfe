import { describe, expect, it } from 'vitest';
import type { Ticket } from '#shared/domain/records.ts';
import { DEFAULT_WORK_TARGETS, type LateKind, responseClock } from '#shared/domain/response-clock.ts';
import {
  cardConditions,
  exactConditions,
  filtersInCode,
  lastLateCreation,
  readsAgentIndex,
  ticketCard,
  ticketMatches,
} from '#shared/domain/ticket-list.ts';

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

  it("leaves an agent sorted by creation to the agent's index, and its statuses to code", () => {
    const agent = 'agent1@ac-dijon.fr';
    expect(readsAgentIndex({ assignee: agent }, 'created')).toBe(true);
    expect(filtersInCode({ assignee: agent }, 'created')).toBe(false);
    expect(filtersInCode({ assignee: agent, statuses: ['nouveau'] }, 'created')).toBe(true);
    // By update, or unassigned, no index holds the agent: read and filtered.
    expect(readsAgentIndex({ assignee: agent }, 'updated')).toBe(false);
    expect(filtersInCode({ assignee: agent }, 'updated')).toBe(true);
    expect(readsAgentIndex({ assignee: 'none' }, 'created')).toBe(false);
    expect(filtersInCode({ assignee: 'none' }, 'created')).toBe(true);
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

describe('a ticket’s card and the filters it answers', () => {
  const twoSchools: Ticket = {
    ...TICKET,
    schools: [
      ...TICKET.schools,
      {
        ...(TICKET.schools[0] as Ticket['schools'][number]),
        uai: '0581111X',
        circonscription: 'NEVERS  Sud',
        commune: 'Nevers',
      },
    ],
  };

  it('holds what ticketMatches compares, so a card matches exactly when the ticket does', () => {
    // Prepare: spellings that differ by case, accents and spaces, and texts that do not match.
    const circonscriptions = [
      'dijon centre',
      'DIJON CENTRE',
      'Dijon  Céntre',
      'nevers sud',
      'Dijon',
      'Centre',
      ' ',
    ];
    const texts = [
      'EDITION des livrets',
      'tilleuls',
      'camille',
      '00042',
      '0211234c',
      'nevers',
      'livrets d',
      'xyz',
      '  ',
    ];

    for (const ticket of [TICKET, twoSchools]) {
      const card = ticketCard(ticket);
      for (const circonscription of [undefined, ...circonscriptions])
        for (const q of [undefined, ...texts])
          for (const uai of [undefined, '0211234C', '0581111X', '021123', '0211234c']) {
            // Act
            const filter = {
              ...(circonscription === undefined ? {} : { circonscription }),
              ...(q === undefined ? {} : { q }),
              ...(uai === undefined ? {} : { uai }),
            };
            const conditions = cardConditions(filter);
            const byCard =
              (conditions?.circ === undefined || card.circs.includes(conditions.circ)) &&
              (conditions?.q === undefined || card.search.includes(conditions.q)) &&
              (conditions?.uai === undefined || card.uais.includes(conditions.uai));

            // Assess
            expect(byCard, JSON.stringify(filter)).toBe(ticketMatches(filter)(ticket));
          }
    }
    expect(ticketCard(twoSchools)).toMatchObject({
      circs: ['dijon centre', 'nevers sud'],
      uais: ['0211234C', '0581111X'],
    });
  });

  it('leaves the lists without a circonscription, a free text or a UAI to the tickets', () => {
    expect(cardConditions({ uai: '0211234C', assignee: 'none' })).toEqual({ uai: '0211234C' });
    expect(cardConditions({ departement: '21', assignee: 'none' })).toBeUndefined();
    expect(cardConditions({ q: '   ' })).toBeUndefined();
  });
});

describe('lastLateCreation', () => {
  const kinds: LateKind[] = ['first_response', 'resolution', 'any'];
  const late = (createdAt: string, kind: LateKind, now: Date) =>
    ticketMatches({ late: kind }, { now })({ ...TICKET, status: 'nouveau', createdAt });

  it('is the last creation instant late at now: late at it, not a millisecond after, for each kind', () => {
    // A Monday morning, a Friday evening, a Sunday, a weekday night, in winter and summer time.
    for (const now of [
      '2026-01-05T07:00:00.000Z',
      '2026-03-06T17:30:00.000Z',
      '2026-03-29T10:00:00.000Z',
      '2026-06-10T22:15:00.000Z',
    ])
      for (const kind of kinds) {
        // Act
        const bound = lastLateCreation(kind, DEFAULT_WORK_TARGETS, new Date(now)) as string;

        // Assess
        expect(late(bound, kind, new Date(now)), `${now} ${kind}`).toBe(true);
        const after = new Date(Date.parse(bound) + 1).toISOString();
        expect(late(after, kind, new Date(now)), `${now} ${kind}`).toBe(false);
      }
  });

  it('bounds every late ticket: over a month of creations each hour, late exactly when created by the bound', () => {
    const now = new Date('2026-03-09T10:20:00.000Z');
    for (const kind of kinds) {
      const bound = lastLateCreation(kind, DEFAULT_WORK_TARGETS, now) as string;
      for (let hour = 0; hour < 31 * 24; hour += 1) {
        // Act
        const createdAt = new Date(now.getTime() - hour * 3_600_000 - 7_000).toISOString();

        // Assess
        expect(late(createdAt, kind, now), `${createdAt} ${kind}`).toBe(createdAt <= bound);
      }
    }
  });

  it('has no bound when a ticket created now would already be late', () => {
    // Zero working hours, within working hours: due as soon as created.
    const now = new Date('2026-03-09T10:20:00.000Z');
    const work = { firstResponseHours: 0, resolutionHours: 0 };
    expect(responseClock({ createdAt: now.toISOString(), status: 'nouveau' }, work, now).late).toBe(true);
    expect(lastLateCreation('any', work, now)).toBeUndefined();
  });
});
