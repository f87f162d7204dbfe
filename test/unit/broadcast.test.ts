import { describe, expect, it } from 'vitest';
import {
  answeredSesMessageId,
  BroadcastInput,
  broadcastRate,
  broadcastTemplate,
  checkSchedule,
  chunksOf,
  countsOf,
  EmptyZoneError,
  fillTemplate,
  InvalidScheduleError,
  pauseAfterChunk,
  recipientsOf,
  replacementsOf,
  statusAfterProgress,
  UnknownZoneError,
} from '#shared/domain/broadcast.ts';
import { parisTimeToInstant } from '#shared/domain/paris-day.ts';
import { newTicket } from '#shared/domain/ticket.ts';
import { broadcastAnswered } from '#shared/steps/screen.ts';
import { largeDirectory, smallDirectory } from '../support/broadcast.ts';

const AT = '2027-01-04T08:00:00.000Z';

describe('recipientsOf', () => {
  it('reaches a director of two schools of the zone once, at the principal address, with the first school', () => {
    // Act
    const recipients = recipientsOf(
      smallDirectory(),
      [{ type: 'circonscription', code: '21-dijon-centre' }],
      AT,
    );

    // Assess
    expect(recipients).toHaveLength(1);
    expect(recipients[0]).toMatchObject({
      email: 'camille.martin.diff@ac-dijon.fr',
      name: 'Camille Martin',
      civility: 'Mme',
      lastName: 'Martin',
      uai: '0211234C',
      status: 'queued',
      updatedAt: AT,
    });
  });

  it('counts a director once when several chosen zones hold them (school, circonscription, département)', () => {
    const recipients = recipientsOf(
      smallDirectory(),
      [
        { type: 'ecole', code: '0211747k' },
        { type: 'circonscription', code: '21-dijon-centre' },
        { type: 'departement', code: '21' },
      ],
      AT,
    );
    expect(recipients.map((r) => r.email)).toEqual([
      'camille.martin.diff@ac-dijon.fr',
      'julien.girard.diff@ac-dijon.fr',
    ]);
  });

  it('leaves inactive directors out', () => {
    const recipients = recipientsOf(smallDirectory(), [{ type: 'departement', code: '58' }], AT);
    expect(recipients.map((r) => r.email)).toEqual(['helene.faure.diff@ac-dijon.fr']);
  });

  it('reaches every active director of the académie, sorted by address', () => {
    const recipients = recipientsOf(smallDirectory(), [{ type: 'academie', code: 'ac-dijon' }], AT);
    expect(recipients.map((r) => r.email)).toEqual([
      'alex.roux.diff@ac-dijon.fr',
      'camille.martin.diff@ac-dijon.fr',
      'helene.faure.diff@ac-dijon.fr',
      'julien.girard.diff@ac-dijon.fr',
    ]);
  });

  it('refuses a zone the directory does not know, naming it in French', () => {
    const act = () => recipientsOf(smallDirectory(), [{ type: 'circonscription', code: '21-atlantide' }], AT);
    expect(act).toThrow(UnknownZoneError);
    expect(act).toThrow(/21-atlantide/);
  });

  it('refuses a zone whose only director is inactive: nobody to write to (422)', () => {
    const state = smallDirectory();
    const withoutFaure = {
      ...state,
      directors: state.directors.map((d) => (d.lastName === 'Faure' ? { ...d, active: false } : d)),
    };
    const act = () => recipientsOf(withoutFaure, [{ type: 'ecole', code: '0580203F' }], AT);
    expect(act).toThrow(EmptyZoneError);
    try {
      act();
    } catch (error) {
      expect((error as EmptyZoneError).kind).toBe('unprocessable');
    }
  });
});

describe('chunksOf', () => {
  it('cuts 2,000 recipients into 40 chunks of 50, in order', () => {
    const recipients = recipientsOf(largeDirectory(2000), [{ type: 'academie', code: 'ac-dijon' }], AT);
    const chunks = chunksOf(recipients);
    expect(recipients).toHaveLength(2000);
    expect(chunks).toHaveLength(40);
    expect(chunks.every((chunk) => chunk.length === 50)).toBe(true);
    expect(chunks.flat()).toEqual(recipients);
  });

  it('leaves the remainder in a last, shorter chunk, and nothing for nobody', () => {
    expect(chunksOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunksOf(Array.from({ length: 51 }, (_, i) => i)).map((c) => c.length)).toEqual([50, 1]);
    expect(chunksOf([])).toEqual([]);
  });
});

describe('pacing', () => {
  it('gives broadcasts half of a 14 mails/s account: 7 a second, so a chunk of 50 is followed by 7.15 s', () => {
    const rate = broadcastRate(14, 0.5);
    expect(rate).toBe(7);
    expect(pauseAfterChunk(50, rate)).toBe(7143);
  });

  it('never goes below one mail a second, even on a sandbox account', () => {
    expect(broadcastRate(1, 0.5)).toBe(1);
    expect(pauseAfterChunk(50, 1)).toBe(50_000);
  });

  it('keeps 2,000 mails at 7 a second within the rate bound: 40 pauses add up to 2,000 / 7 s', () => {
    const total = 40 * pauseAfterChunk(50, broadcastRate(14, 0.5));
    expect(total / 1000).toBeCloseTo(2000 / 7, 0);
  });
});

describe('checkSchedule', () => {
  const now = new Date('2027-01-04T10:00:00Z');

  it('accepts a time to come, within a year', () => {
    expect(() => checkSchedule(new Date('2027-01-05T07:00:00Z'), now)).not.toThrow();
    expect(() => checkSchedule(new Date('2027-12-31T07:00:00Z'), now)).not.toThrow();
  });

  it('forgives a form filled in slowly: a time up to a minute ago', () => {
    expect(() => checkSchedule(new Date('2027-01-04T09:59:30Z'), now)).not.toThrow();
  });

  it('refuses a past time and a time more than a year ahead, in French', () => {
    expect(() => checkSchedule(new Date('2027-01-04T09:58:00Z'), now)).toThrow(InvalidScheduleError);
    expect(() => checkSchedule(new Date('2027-01-04T09:58:00Z'), now)).toThrow(/déjà passée/);
    expect(() => checkSchedule(new Date('2028-01-06T10:00:00Z'), now)).toThrow(/un an au plus/);
  });
});

describe('the mail of a broadcast', () => {
  it('greets each director by civility and name, and a director without civility plainly', () => {
    expect(replacementsOf({ civility: 'Mme', lastName: 'Martin' })).toEqual({
      greeting: 'Bonjour Madame Martin,',
    });
    expect(replacementsOf({ civility: 'M.', lastName: 'Girard' })).toEqual({
      greeting: 'Bonjour Monsieur Girard,',
    });
    expect(replacementsOf({ lastName: 'Roux' })).toEqual({ greeting: 'Bonjour,' });
  });

  it('puts the greeting first, the paragraphs, then the desk signature; the HTML escapes the text', () => {
    // Act
    const template = broadcastTemplate(
      { subject: 'LSU indisponible', text: 'LSU est en panne.\n\nRetour prévu <lundi> & mardi.' },
      'Assistance LSUN',
    );
    const text = fillTemplate(template.text, replacementsOf({ civility: 'Mme', lastName: 'Martin' }));

    // Assess
    expect(template.subject).toBe('LSU indisponible');
    expect(
      text.startsWith('Bonjour Madame Martin,\n\nLSU est en panne.\n\nRetour prévu <lundi> & mardi.'),
    ).toBe(true);
    expect(text).toContain('Cordialement,\n\nAssistance LSUN');
    expect(template.html).toContain('<p>{{greeting}}</p>');
    expect(template.html).toContain('Retour prévu &#60;lundi&#62; &#38; mardi.');
  });

  it('refuses a subject over 200 characters and a text over 20,000, in French', () => {
    const zones = [{ type: 'academie', code: 'ac-dijon' }];
    const long = BroadcastInput.safeParse({ subject: 'x'.repeat(201), text: 'ok', zones });
    const longText = BroadcastInput.safeParse({ subject: 'ok', text: 'x'.repeat(20_001), zones });
    expect(long.error?.issues[0]?.message).toMatch(/objet est trop long/);
    expect(longText.error?.issues[0]?.message).toMatch(/texte est trop long/);
    expect(BroadcastInput.safeParse({ subject: 'ok', text: 'ok', zones: [] }).success).toBe(false);
  });

  it('refuses double braces, which SES would read as a template variable, and accepts single ones', () => {
    // Prepare
    const zones = [{ type: 'academie', code: 'ac-dijon' }];

    // Act
    const inText = BroadcastInput.safeParse({ subject: 'ok', text: 'Écrivez {{nom}}', zones });
    const inSubject = BroadcastInput.safeParse({ subject: 'LSU }} panne', text: 'ok', zones });
    const single = BroadcastInput.safeParse({ subject: 'LSU {bulletins}', text: 'Un { seul', zones });

    // Assess
    expect(inText.error?.issues[0]).toMatchObject({
      path: ['text'],
      message: expect.stringContaining('accolades'),
    });
    expect(inSubject.error?.issues[0]?.path).toEqual(['subject']);
    expect(single.success).toBe(true);
  });
});

describe('statusAfterProgress', () => {
  it('stays sending while a recipient is queued or with SES', () => {
    expect(statusAfterProgress(countsOf(['sent', 'queued']))).toBe('sending');
    expect(statusAfterProgress(countsOf(['sent', 'sending']))).toBe('sending');
  });

  it('is sent when every recipient has an outcome, failures included', () => {
    expect(statusAfterProgress(countsOf(['sent', 'delivered', 'bounced', 'failed']))).toBe('sent');
  });

  it('counts zero for every status nobody is in', () => {
    expect(countsOf(['sent', 'sent'])).toEqual({
      queued: 0,
      sending: 0,
      sent: 2,
      delivered: 0,
      bounced: 0,
      complained: 0,
      suppressed: 0,
      failed: 0,
    });
  });
});

describe('parisTimeToInstant on the days the clocks change', () => {
  it.each([
    ['2027-03-28', '08:00', '2027-03-28T06:00:00.000Z', 'spring forward: 08:00 is summer time (UTC+2)'],
    [
      '2027-03-28',
      '02:30',
      '2027-03-28T01:30:00.000Z',
      'spring forward: 02:30 does not exist, read as 03:30 summer time',
    ],
    ['2027-10-31', '08:00', '2027-10-31T07:00:00.000Z', 'fall back: 08:00 is winter time (UTC+1)'],
    [
      '2027-10-31',
      '02:30',
      '2027-10-31T00:30:00.000Z',
      'fall back: 02:30 happens twice; the first one is taken',
    ],
  ])('reads %s %s Paris as %s (%s)', (day, time, expected) => {
    expect(parisTimeToInstant(day, time).toISOString()).toBe(expected);
  });
});

describe('a reply to a broadcast', () => {
  it('names the SES message id of the mail it answers, from the Message-ID SES gave it', () => {
    expect(answeredSesMessageId(['<0102018f-abc-000000@eu-west-1.amazonses.com>'])).toBe(
      '0102018f-abc-000000',
    );
    expect(answeredSesMessageId(['0102018f-abc-000000@eu-west-1.amazonses.com'])).toBe('0102018f-abc-000000');
    expect(answeredSesMessageId([])).toBeUndefined();
  });

  it('opens a ticket naming the broadcast when the finder knows the mail, and none otherwise', async () => {
    const finder = { broadcastOfMail: async (id: string) => (id === 'm-1' ? 'b-42' : undefined) };

    expect(await broadcastAnswered({ inReplyTo: ['<m-1@eu-west-1.amazonses.com>'] }, finder)).toEqual({
      broadcastId: 'b-42',
    });
    expect(await broadcastAnswered({ inReplyTo: ['<other@ac-dijon.fr>'] }, finder)).toEqual({});
    expect(await broadcastAnswered({ inReplyTo: [] }, finder)).toEqual({});
    expect(await broadcastAnswered({ inReplyTo: ['<m-1@eu-west-1.amazonses.com>'] }, undefined)).toEqual({});
  });

  it('keeps the broadcast on the new ticket', () => {
    const ticket = newTicket({
      number: '2027-00001',
      message: {
        sesMessageId: 'ses-in',
        receivedAt: AT,
        from: 'camille.martin.diff@ac-dijon.fr',
        fromName: 'Camille Martin',
        subject: 'Re: LSUN indisponible',
        text: 'Merci',
        attachments: [],
        rawMail: { bucket: 'raw', key: 'incoming/ses-in' },
        broadcastId: 'b-42',
      },
      requester: { email: 'camille.martin.diff@ac-dijon.fr', name: 'Camille Martin' },
      schools: [],
      now: AT,
    });
    expect(ticket.broadcastId).toBe('b-42');
  });
});
