/**
 * Broken mail read the way a person reads it: encoded words that break RFC 2047, From headers
 * that are not quite addresses, 8-bit headers in no declared charset, and mails the MIME parser
 * refuses. Each expected string is what a director wrote, as a mail client shows it.
 */
import { describe, expect, it } from 'vitest';
import { decodeCharset, headersAsUtf8 } from '#shared/mail/encoded-words.ts';
import {
  decodeHeaderValue,
  MAX_ATTACHMENT_DESCRIPTION_BYTES,
  MAX_MESSAGE_ID_BYTES,
  MAX_SUBJECT_LENGTH,
  MAX_TEXT_BYTES,
  parseMime,
} from '#shared/mail/parse.ts';

const FROM = 'Camille Martin <camille.martin@ac-dijon.fr>';

function mail(headers: string[], body = 'Bonjour.'): string {
  return `${headers.join('\r\n')}\r\n\r\n${body}`;
}

describe('encoded words that break RFC 2047', () => {
  it.each([
    ['spaces inside a Q word', '=?us-ascii?Q?Bulletins LSUN bloques?=', 'Bulletins LSUN bloques'],
    ['a leading space after ?Q?', 'Re: =?utf-8?Q? Probl=C3=A8me LSUN?=', 'Re: Problème LSUN'],
    [
      'an unknown charset over Latin-1 bytes',
      '=?x-inconnu?Q?Probl=E8me_d=27=E9dition?=',
      "Problème d'édition",
    ],
    ['an unknown charset over UTF-8 bytes', '=?x-unknown?Q?=C3=A9l=C3=A8ves?=', 'élèves'],
    ['a charset spelled cp1252', '=?cp-1252?Q?=9Cuvre_=80?=', 'œuvre €'],
    ['us-ascii carrying UTF-8 bytes', '=?us-ascii?Q?LSUN_=C3=A9l=C3=A8ves?=', 'LSUN élèves'],
    ['base64 with junk in it', '=?utf-8?B?TFNVTiA6IMOpbMOodmVz!!?=', 'LSUN : élèves'],
    ['base64 with its last group cut short', '=?utf-8?B?TFNVTiBvaw?=', 'LSUN ok'],
    [
      'a UTF-8 character cut across two words on folded lines',
      '=?utf-8?Q?LSUN_probl=C3?=\r\n =?utf-8?Q?=A8me?=',
      'LSUN problème',
    ],
    [
      'a base64 group cut across two words',
      '=?utf-8?B?TFNVTiDDqWzD?=\r\n\t=?utf-8?B?qHZlcw==?=',
      'LSUN élèves',
    ],
    ['a fold inside a Q word, after a soft break', '=?utf-8?Q?LSUN_probl=C3=\r\n =A8me?=', 'LSUN problème'],
    ['two charsets side by side', '=?iso-8859-1?Q?=E9t=E9?= =?utf-8?Q?_=E2=82=AC?=', 'été €'],
    ['no charset at all', '=??B?TFNVTiBhY2PocyByZWZ1c+k=?=', 'LSUN accès refusé'],
    ['an encoded word that never closes', 'LSUN =?utf-8?Q?probl=C3=A8me', 'LSUN =?utf-8?Q?probl=C3=A8me'],
  ])('reads %s', async (_case, subject, expected) => {
    // Prepare
    const raw = mail([`From: ${FROM}`, `Subject: ${subject}`]);

    // Act
    const parsed = await parseMime(raw);

    // Assess
    expect(parsed.subject).toBe(expected);
  });

  it('keeps the words between encoded words, and drops only the folds between them', () => {
    // Act
    const decoded = decodeHeaderValue('=?utf-8?Q?Objet?= : =?utf-8?Q?=C3=A9cole?=  =?utf-8?Q?_Jaur=C3=A8s?=');

    // Assess
    expect(decoded).toBe('Objet : école Jaurès');
  });

  it('decodes a display name with spaces inside its Q word', async () => {
    // Prepare
    const raw = mail(['From: =?us-ascii?Q?Camille Martin?= <camille.martin@ac-dijon.fr>', 'Subject: LSUN']);

    // Act
    const parsed = await parseMime(raw);

    // Assess
    expect(parsed.from).toEqual({ address: 'camille.martin@ac-dijon.fr', name: 'Camille Martin' });
  });

  it('decodes an attachment name in an unknown charset and one cut across two words', async () => {
    // Prepare
    const raw = [
      `From: ${FROM}`,
      'Subject: LSUN',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Voir les pièces jointes.',
      '--b',
      'Content-Type: application/pdf; name="=?x-inconnu?Q?relev=E9.pdf?="',
      'Content-Disposition: attachment; filename="=?x-inconnu?Q?relev=E9.pdf?="',
      'Content-Transfer-Encoding: base64',
      '',
      'JVBERi0=',
      '--b',
      'Content-Type: application/pdf',
      'Content-Disposition: attachment; filename="=?utf-8?Q?bulletin_=C3?= =?utf-8?Q?=A9l=C3=A8ve.pdf?="',
      'Content-Transfer-Encoding: base64',
      '',
      'JVBERi0=',
      '--b--',
      '',
    ].join('\r\n');

    // Act
    const parsed = await parseMime(raw);

    // Assess
    expect(parsed.attachments.map((attachment) => attachment.filename)).toEqual([
      'relevé.pdf',
      'bulletin élève.pdf',
    ]);
  });
});

describe('raw 8-bit headers', () => {
  it('reads Latin-1 bytes in no declared charset as Windows-1252, as mail clients do', async () => {
    // Prepare
    const raw = Buffer.concat([
      Buffer.from('From: Ren', 'latin1'),
      Buffer.from([0xe9]),
      Buffer.from('e Dupr', 'latin1'),
      Buffer.from([0xe9]),
      Buffer.from(' <renee.dupre@ac-dijon.fr>\r\nSubject: LSUN : probl', 'latin1'),
      Buffer.from([0xe8, 0x6d, 0x65, 0x20, 0x80, 0x20, 0x9c]),
      Buffer.from('\r\n\r\nBonjour.', 'latin1'),
    ]);

    // Act
    const parsed = await parseMime(new Uint8Array(raw));

    // Assess
    expect(parsed.subject).toBe('LSUN : problème € œ');
    expect(parsed.from).toEqual({ address: 'renee.dupre@ac-dijon.fr', name: 'Renée Dupré' });
  });

  it('reads 8-bit headers in the charset the mail declares', async () => {
    // Prepare: « élève » in ISO-8859-15 is the same as Latin-1; « Œ » (0xBC) is not.
    const raw = Buffer.concat([
      Buffer.from(`From: ${FROM}\r\nSubject: LSUN `, 'latin1'),
      Buffer.from([0xbc, 0x75, 0x76, 0x72, 0x65]),
      Buffer.from('\r\nContent-Type: text/plain; charset=iso-8859-15\r\n\r\nBonjour.', 'latin1'),
    ]);

    // Act
    const parsed = await parseMime(new Uint8Array(raw));

    // Assess
    expect(parsed.subject).toBe('LSUN Œuvre');
  });

  it('reads each header in its own charset when a Latin-1 one sits beside a UTF-8 one', async () => {
    // Prepare
    const raw = Buffer.concat([
      Buffer.from('From: Éric Brunet <eric.brunet@ac-dijon.fr>\r\nSubject: LSUN probl', 'utf8'),
      Buffer.from([0xe8]),
      Buffer.from('me\r\n\r\nBonjour.', 'utf8'),
    ]);

    // Act
    const parsed = await parseMime(new Uint8Array(raw));

    // Assess
    expect(parsed.from?.name).toBe('Éric Brunet');
    expect(parsed.subject).toBe('LSUN problème');
  });

  it('leaves UTF-8 headers (RFC 6532) and the body as they are', () => {
    // Prepare
    const raw = new Uint8Array(Buffer.from('Subject: élève\r\n\r\n\xe9', 'utf8'));

    // Act
    const same = headersAsUtf8(raw);

    // Assess
    expect(same).toBe(raw);
  });

  it('decodes a label no runtime knows as UTF-8 when it can, else as Windows-1252', () => {
    // Act and assess
    expect(decodeCharset('x-mystere', Buffer.from('élève', 'utf8'))).toBe('élève');
    expect(decodeCharset('x-mystere', Buffer.from([0xe9, 0x6c, 0xe8, 0x76, 0x65]))).toBe('élève');
  });
});

describe('From headers that are not quite addresses', () => {
  it.each([
    [
      'without angle brackets',
      'Camille Martin camille.martin@ac-dijon.fr',
      'camille.martin@ac-dijon.fr',
      'Camille Martin',
    ],
    [
      'with the name in a comment',
      'camille.martin@ac-dijon.fr (Camille Martin)',
      'camille.martin@ac-dijon.fr',
      'Camille Martin',
    ],
    ['in capitals', 'CAMILLE.MARTIN@AC-DIJON.FR', 'camille.martin@ac-dijon.fr', ''],
    [
      'with several addresses (the first one)',
      'Camille Martin <camille.martin@ac-dijon.fr>, Paul Durand <paul.durand@ac-dijon.fr>',
      'camille.martin@ac-dijon.fr',
      'Camille Martin',
    ],
  ])('reads a From %s', async (_case, from, address, name) => {
    // Act
    const parsed = await parseMime(mail([`From: ${from}`, 'Subject: LSUN']));

    // Assess
    expect(parsed.from).toEqual({ address, name });
  });

  it.each([
    ['a space inside the address', '"Camille Martin" <camille martin@ac-dijon.fr>'],
    ['no domain', 'Camille Martin <camille.martin>'],
    ['an empty group', 'Destinataires inconnus: ;'],
    ['a NUL byte in the address', 'camille.mar\u0000tin@ac-dijon.fr'.replace('\u0000', '\u0000@')],
  ])('reads a From with %s as no From, rather than guess an address', async (_case, from) => {
    // Act
    const parsed = await parseMime(mail([`From: ${from}`, 'Subject: LSUN']));

    // Assess
    expect(parsed.from).toBeUndefined();
  });
});

describe('mail the desk could not store as it is', () => {
  it('drops NUL and other control characters from the subject, the name and the text', async () => {
    // Prepare
    const raw = mail(
      ['From: Camille\u0000 Martin <camille.martin@ac-dijon.fr>', 'Subject: LSUN\u0000 bul\u0007letins'],
      'Bon\u0000jour.',
    );

    // Act
    const parsed = await parseMime(raw);

    // Assess
    expect(parsed.subject).toBe('LSUN bulletins');
    expect(parsed.from?.name).toBe('Camille Martin');
    expect(parsed.text).toBe('Bonjour.');
  });

  it('drops NUL bytes from an attachment’s type and name', async () => {
    // Prepare
    const raw = mail(
      [`From: ${FROM}`, 'Subject: LSUN', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b"'],
      '--b\r\nContent-Type: \u0000text/plain\r\nContent-Disposition: attachment; filename="no\u0000tes.txt"\r\n\r\nx\r\n--b--\r\n',
    );

    // Act
    const parsed = await parseMime(raw);

    // Assess
    expect(parsed.attachments).toEqual([
      expect.objectContaining({ filename: 'notes.txt', mimeType: 'text/plain' }),
    ]);
  });

  it('cuts a subject of a megabyte to its first line’s worth', async () => {
    // Prepare
    const raw = mail([`From: ${FROM}`, `Subject: LSUN ${'é'.repeat(1_000_000)}`]);

    // Act
    const parsed = await parseMime(raw);

    // Assess
    expect(parsed.subject).toHaveLength(MAX_SUBJECT_LENGTH);
    expect(parsed.subject.startsWith('LSUN éé')).toBe(true);
  });

  it('ignores a Message-ID too long to be a key, and keeps the last references', async () => {
    // Prepare
    const references = Array.from({ length: 500 }, (_, index) => `<r${index}@ac-dijon.fr>`).join(' ');
    const raw = mail([
      `From: ${FROM}`,
      'Subject: LSUN',
      `Message-ID: <${'x'.repeat(MAX_MESSAGE_ID_BYTES + 1)}@ac-dijon.fr>`,
      `References: ${references}`,
    ]);

    // Act
    const parsed = await parseMime(raw);

    // Assess
    expect(parsed.messageId).toBeUndefined();
    expect(parsed.references).toHaveLength(100);
    expect(parsed.references.at(-1)).toBe('r499@ac-dijon.fr');
  });

  it(`keeps at most ${MAX_TEXT_BYTES} bytes of text, whole characters only`, async () => {
    // Prepare: 3 bytes a character in UTF-8.
    const raw = mail(
      [`From: ${FROM}`, 'Subject: LSUN', 'Content-Type: text/plain; charset=utf-8'],
      '漢'.repeat(90_000),
    );

    // Act
    const parsed = await parseMime(raw);

    // Assess
    expect(Buffer.byteLength(parsed.text)).toBe(MAX_TEXT_BYTES);
    expect(parsed.text).toBe('漢'.repeat(MAX_TEXT_BYTES / 3));
  });

  it('describes the attachments of a 1,000-part mail within a budget that fits one item', async () => {
    // Prepare
    const parts = Array.from(
      { length: 1_000 },
      (_, index) =>
        `--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="piece-${index}-${'n'.repeat(150)}.bin"\r\n\r\nx\r\n`,
    ).join('');
    const raw = mail(
      [`From: ${FROM}`, 'Subject: LSUN', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b"'],
      `${parts}--b--\r\n`,
    );

    // Act
    const parsed = await parseMime(raw);

    // Assess
    const size = Buffer.byteLength(JSON.stringify(parsed.attachments));
    expect(size).toBeLessThanOrEqual(MAX_ATTACHMENT_DESCRIPTION_BYTES);
    expect(parsed.attachments.length).toBeGreaterThan(400);
    expect(parsed.attachments.length).toBeLessThan(1_000);
    expect(parsed.attachments[0]?.filename).toBe(`piece-0-${'n'.repeat(150)}.bin`);
  });

  it('reads an empty mail as a mail with nothing in it', async () => {
    // Act
    const parsed = await parseMime(new Uint8Array());

    // Assess
    expect(parsed).toMatchObject({ from: undefined, subject: '', text: '', attachments: [] });
  });

  it('reads a mail of 300 nested forwarded mails, keeping the nest as one attachment', async () => {
    // Prepare: 300 levels of message/rfc822.
    let inner = mail(['From: x@ac-dijon.fr', 'Subject: fond'], 'au fond');
    for (let level = 0; level < 300; level++) {
      inner = mail(['Content-Type: message/rfc822'], inner);
    }
    const raw = mail(
      [`From: ${FROM}`, 'Subject: LSUN imbrique', 'MIME-Version: 1.0', 'Content-Type: message/rfc822'],
      inner,
    );

    // Act
    const parsed = await parseMime(raw);

    // Assess
    expect(parsed.subject).toBe('LSUN imbrique');
    expect(parsed.from?.address).toBe('camille.martin@ac-dijon.fr');
    expect(parsed.attachments).toEqual([expect.objectContaining({ mimeType: 'message/rfc822' })]);
  });
});
