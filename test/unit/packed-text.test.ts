/**
 * The packed texts of the table's items (`packed-text.ts`) come back exactly as they were
 * written, whatever they hold: the mails the console shows must be the mails that were sent and
 * received, byte for byte. And they are smaller, which is their whole point: an acknowledgment,
 * written in the desk's own words, packs to a fraction of its size.
 */
import { describe, expect, it } from 'vitest';
import { PackedTextError, packText, unpackText } from '#shared/adapters/packed-text.ts';
import {
  acknowledgmentMail,
  autoCloseNoticeMail,
  noKeywordMail,
  notDirectorMail,
  quotaNoticeMail,
} from '#shared/domain/replies.ts';
import { generateDirectory } from '../../bench/lib/directory.ts';
import { followUpText, htmlOf, outOfOfficeText, requestBody } from '../../bench/lib/french.ts';
import { seededRandom } from '../../bench/lib/random.ts';

const deskDisplayName = 'Assistance LSUN – Académie de Dijon';

/** The benchmarks' French corpus: requests, follow-ups, out-of-office replies, their HTML. */
function corpusTexts(): string[] {
  const random = seededRandom(7);
  const directory = generateDirectory(random, 60);
  const texts: string[] = [];
  for (const director of directory.directors) {
    const [school] = director.schools;
    if (!school) continue;
    const body = requestBody(random, {
      ...director,
      school: school.name,
      commune: school.commune,
      uai: school.uai,
    });
    texts.push(body, htmlOf(body), followUpText(random), outOfOfficeText(random));
  }
  return texts;
}

/** Every mail the desk writes on its own, as it renders them today. */
function deskTexts(): string[] {
  const requester = {
    kind: 'director',
    civility: 'Mme',
    lastName: 'Lefèvre',
    schools: [
      {
        uai: '0211234C',
        name: 'École primaire Les Tilleuls',
        commune: 'Beaune',
        circonscription: 'Circonscription 21',
        departement: '21',
        mailbox: 'ce.0211234c@ac-dijon.fr',
      },
      {
        uai: '0581116Y',
        name: 'École maternelle Henri Wallon',
        commune: 'Clamecy',
        circonscription: 'Circonscription 58',
        departement: '58',
        mailbox: 'ce.0581116y@ac-dijon.fr',
      },
    ],
  };
  return [
    acknowledgmentMail({
      ticketNumber: 'LSUN-2026-00042',
      originalSubject: 'Re: LSUN – appréciations effacées « période 2 »',
      requester,
      deskDisplayName,
      suggestions: [{ title: 'Saisir les appréciations', url: 'https://assistance.example/kb/saisir' }],
    }),
    noKeywordMail({
      originalSubject: 'Livrets',
      keyword: 'LSUN',
      deskAddress: 'assistance1d@ac-dijon.fr',
      deskDisplayName,
    }),
    notDirectorMail({ originalSubject: 'LSUN', deskDisplayName }),
    quotaNoticeMail({ kind: 'request', cap: 10, deskDisplayName }),
    quotaNoticeMail({ kind: 'follow_up', cap: 10, deskDisplayName }),
    autoCloseNoticeMail({
      ticketNumber: 'LSUN-2026-00042',
      subject: '[LSUN-2026-00042] LSUN',
      workingDays: 10,
      deskDisplayName,
    }),
  ].flatMap((mail) => [mail.subject, mail.text]);
}

describe('a packed text', () => {
  it('comes back exactly, for every text of the French corpus and every mail the desk writes', () => {
    const texts = [...corpusTexts(), ...deskTexts()];

    const back = texts.map((text) => unpackText(packText(text)));

    expect(back).toEqual(texts);
  });

  it('keeps accents, typographic quotes, line endings, emoji and characters outside the BMP', () => {
    const text = 'Élève « Zoé » — CE1\r\nPériode n° 2 : ça ne marche pas… 😕 𝔏𝔖𝔘\u00a0!\n\n\t';

    expect(unpackText(packText(text))).toBe(text);
  });

  it('keeps the empty text', () => {
    expect(unpackText(packText(''))).toBe('');
  });

  it('keeps a long text (a pasted log of 300 KB)', () => {
    const random = seededRandom(3);
    const text = Array.from(
      { length: 6_000 },
      () => `ligne ${random.int(0, 1e9)} : erreur à l’enregistrement`,
    ).join('\n');

    expect(unpackText(packText(text))).toBe(text);
  });

  it('packs the acknowledgment, written in the desk’s words, to under a fifth of its size', () => {
    const [, acknowledgment = ''] = deskTexts();

    expect(packText(acknowledgment).byteLength).toBeLessThan(Buffer.byteLength(acknowledgment) / 5);
  });

  it('packs a director’s request smaller than it is', () => {
    const requests = corpusTexts().filter((_, index) => index % 4 === 0);

    for (const text of requests) expect(packText(text).byteLength).toBeLessThan(Buffer.byteLength(text));
  });

  it('refuses a value of a format it does not know, rather than showing garbage', () => {
    const packed = packText('Bonjour');
    packed[0] = 9;

    expect(() => unpackText(packed)).toThrow(PackedTextError);
  });

  it('refuses bytes that do not inflate', () => {
    expect(() => unpackText(Uint8Array.from([1, 0xff, 0xff, 0xff]))).toThrow(PackedTextError);
  });
});
