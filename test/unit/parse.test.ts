import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  htmlToText,
  MAX_TEXT_LENGTH,
  MimeParseError,
  parseMime,
  readAttachment,
  UNREADABLE_BODY_TEXT,
} from '#shared/mail/parse.ts';

async function fixture(name: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(new URL(`../fixtures/mails/${name}`, import.meta.url)));
}

function b64(text: string | Uint8Array): string {
  return Buffer.from(text).toString('base64');
}

describe('parseMime', () => {
  describe('an ISO-8859-1 mail in 8 bits', () => {
    it('decodes the accents of the subject, the name and the body', async () => {
      // Prepare
      const raw = await fixture('iso-8859-1-8bit.eml');

      // Act
      const mail = await parseMime(raw);

      // Assess
      expect(mail.subject).toBe("LSUN : problème d'édition des livrets");
      expect(mail.from).toEqual({ address: 'renee.dupre@ac-dijon.fr', name: 'Renée Dupré' });
      expect(mail.text).toContain("Je n'arrive pas à éditer les livrets de CE2 : l'écran reste bloqué.");
      expect(mail.text).toContain('Renée Dupré, directrice');
    });

    it('reads Windows-1252 bytes under the ISO-8859-1 label as € œ ’, as mail clients do', async () => {
      // Prepare
      const raw = await fixture('iso-8859-1-8bit.eml');

      // Act
      const mail = await parseMime(raw);

      // Assess
      expect(mail.text).toContain('Le cœur du problème');
      expect(mail.text).toContain('12 €');
      expect(mail.text).toContain('Merci d’avance');
      expect(mail.text).not.toMatch(/[\u0080-\u009f]/);
    });

    it('gives the Message-ID without angle brackets', async () => {
      // Prepare
      const raw = await fixture('iso-8859-1-8bit.eml');

      // Act
      const mail = await parseMime(raw);

      // Assess
      expect(mail.messageId).toBe('20260316091244.4F2A1@ecole-jaures.ac-dijon.fr');
    });
  });

  describe('a Windows-1252 quoted-printable mail', () => {
    it('decodes €, œ, typographic quotes and dashes in subject, name and body', async () => {
      // Prepare
      const raw = await fixture('windows-1252-qp.eml');

      // Act
      const mail = await parseMime(raw);

      // Assess
      expect(mail.subject).toBe('LSUN – le cœur du problème €');
      expect(mail.from).toEqual({ address: 'jerome.loeb@ac-dijon.fr', name: 'Jérôme Lœb' });
      expect(mail.text).toContain(
        'L’export LSUN affiche « erreur 500 » ; le cœur de l’application ne répond plus.',
      );
      expect(mail.text).toContain('Montant de la licence : 0 €.');
    });

    it('reads In-Reply-To as a list of ids without angle brackets', async () => {
      // Prepare
      const raw = await fixture('windows-1252-qp.eml');

      // Act
      const mail = await parseMime(raw);

      // Assess
      expect(mail.inReplyTo).toEqual(['ack-1@assistance.ac-dijon.fr']);
      expect(mail.references).toEqual([]);
    });
  });

  describe('a subject split across encoded words', () => {
    it('joins B and Q words folded over several lines into one subject', async () => {
      // Prepare
      const raw = await fixture('split-subject.eml');

      // Act
      const mail = await parseMime(raw);

      // Assess
      expect(mail.subject).toBe('Re: [LSUN-2026-00042] Bulletins périodiques : élèves absents de l’export');
    });

    it('decodes a UTF-8 character cut in two across B words', async () => {
      // Prepare
      const bytes = Buffer.from('Problème LSUN élève');
      const cut = bytes.indexOf(Buffer.from('é')) + 1;
      const raw = [
        'From: x@ac-dijon.fr',
        `Subject: =?UTF-8?B?${b64(bytes.subarray(0, cut))}?=`,
        ` =?UTF-8?B?${b64(bytes.subarray(cut))}?=`,
        '',
        'corps',
      ].join('\r\n');

      // Act
      const mail = await parseMime(raw);

      // Assess
      expect(mail.subject).toBe('Problème LSUN élève');
    });

    it('keeps the text between encoded words and plain words', async () => {
      // Prepare
      const raw = 'From: x@ac-dijon.fr\r\nSubject: LSUN =?ISO-8859-1?Q?probl=E8me?= urgent\r\n\r\ncorps';

      // Act
      const mail = await parseMime(raw);

      // Assess
      expect(mail.subject).toBe('LSUN problème urgent');
    });

    it('reads folded References as a list of ids', async () => {
      // Prepare
      const raw = await fixture('split-subject.eml');

      // Act
      const mail = await parseMime(raw);

      // Assess
      expect(mail.references).toEqual([
        'ack-42@assistance.ac-dijon.fr',
        'reply-42-1@ac-dijon.fr',
        'reply-42-2@ac-dijon.fr',
      ]);
      expect(mail.inReplyTo).toEqual(['reply-42-2@ac-dijon.fr']);
    });
  });

  describe('an HTML-only mail', () => {
    it('derives the text from the HTML: no tags, scripts or styles, entities decoded', async () => {
      // Prepare
      const raw = await fixture('html-only.eml');

      // Act
      const mail = await parseMime(raw);

      // Assess
      expect(mail.text).toBe(
        [
          'Bonjour,',
          '',
          'Dans LSUN, le bouton « Valider » est grisé pour la classe de CE1 & CE2.',
          '',
          '- Navigateur : Firefox',
          '- Poste : école, cœur',
          '',
          'Le coût : 5€ <rien>',
          '',
          'Merci,',
          'Paul Durand',
        ].join('\n'),
      );
    });
  });

  describe('a multipart mail with a PDF attachment', () => {
    it('takes the text part and describes the attachment without its bytes', async () => {
      // Prepare
      const raw = await fixture('multipart-pdf.eml');

      // Act
      const mail = await parseMime(raw);

      // Assess
      expect(mail.text).toBe('Bonjour, voici la capture de l’erreur LSUN en pièce jointe.');
      expect(mail.attachments).toEqual([
        { filename: 'compte-rendu école.pdf', mimeType: 'application/pdf', size: 1455 },
      ]);
      expect(mail.from).toEqual({ address: 'anne.dupont@ac-dijon.fr', name: 'Dupont, Anne' });
      expect(mail.subject).toBe('TR: LSUN erreur');
    });
  });

  describe('a mail without Message-ID, with folded headers and DKIM signatures', () => {
    it('leaves the Message-ID undefined', async () => {
      // Prepare
      const raw = await fixture('no-message-id.eml');

      // Act
      const mail = await parseMime(raw);

      // Assess
      expect(mail.messageId).toBeUndefined();
      expect(mail.inReplyTo).toEqual([]);
      expect(mail.references).toEqual([]);
    });

    it('unfolds a folded subject into one line', async () => {
      // Prepare
      const raw = await fixture('no-message-id.eml');

      // Act
      const mail = await parseMime(raw);

      // Assess
      expect(mail.subject).toBe('Demande LSUN concernant les livrets du cycle 3');
    });

    it('collects the d= domain of each DKIM-Signature, lower case, even on a continuation line', async () => {
      // Prepare
      const raw = await fixture('no-message-id.eml');

      // Act
      const mail = await parseMime(raw);

      // Assess
      expect(mail.dkimDomains).toEqual(['ac-dijon.fr', 'relay.example.org']);
    });

    it('keeps every header with a lower-case name, repeated ones included', async () => {
      // Prepare
      const raw = await fixture('no-message-id.eml');

      // Act
      const mail = await parseMime(raw);

      // Assess
      expect(mail.headers.filter((header) => header.name === 'dkim-signature')).toHaveLength(2);
      expect(mail.headers).toContainEqual({ name: 'x-mailer', value: 'Zimbra 9.0' });
      expect(mail.headers.every((header) => header.name === header.name.toLowerCase())).toBe(true);
    });
  });

  it('decodes encoded words in every header value', async () => {
    // Prepare
    const raw = 'From: x@ac-dijon.fr\r\nX-Note: =?UTF-8?Q?=C3=A9cole?=\r\n\r\ncorps';

    // Act
    const mail = await parseMime(raw);

    // Assess
    expect(mail.headers).toContainEqual({ name: 'x-note', value: 'école' });
  });

  it('gives an undefined sender, an empty subject and no ids for a mail with bare headers', async () => {
    // Prepare
    const raw = 'X-Only: 1\r\n\r\nbonjour';

    // Act
    const mail = await parseMime(raw);

    // Assess
    expect(mail).toMatchObject({ from: undefined, subject: '', messageId: undefined, text: 'bonjour' });
  });

  it('lists every address of every From header, and the Sender, for the intake’s spoof checks', async () => {
    // Prepare
    const raw = [
      'From: Direction: Camille.Martin@ac-dijon.fr, attacker@evil.example;',
      'From: other@evil.example',
      'Sender: Relais <Relay@Evil.example>',
      'Subject: LSUN',
      '',
      'bonjour',
    ].join('\r\n');

    // Act
    const mail = await parseMime(raw);

    // Assess
    expect(mail.from?.address).toBe('camille.martin@ac-dijon.fr');
    expect(mail.fromAddresses).toEqual([
      'camille.martin@ac-dijon.fr',
      'attacker@evil.example',
      'other@evil.example',
    ]);
    expect(mail.sender).toBe('relay@evil.example');
  });

  it('lists one From address and no Sender for an ordinary mail', async () => {
    // Act
    const mail = await parseMime(
      'From: "Martin, Camille" <camille.martin@ac-dijon.fr>\r\nSubject: LSUN\r\n\r\nbonjour',
    );

    // Assess
    expect(mail.fromAddresses).toEqual(['camille.martin@ac-dijon.fr']);
    expect(mail.sender).toBeUndefined();
  });

  it(`cuts the text at ${MAX_TEXT_LENGTH} characters`, async () => {
    // Prepare
    const raw = `From: x@ac-dijon.fr\r\nSubject: LSUN\r\n\r\n${'a'.repeat(MAX_TEXT_LENGTH + 500)}`;

    // Act
    const mail = await parseMime(raw);

    // Assess
    expect(mail.text).toHaveLength(MAX_TEXT_LENGTH);
  });

  it('does not leave half of an emoji at the cut', async () => {
    // Prepare
    const text = `${'a'.repeat(MAX_TEXT_LENGTH - 1)}😀`;
    const raw = `From: x@ac-dijon.fr\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}`;

    // Act
    const mail = await parseMime(raw);

    // Assess
    expect(mail.text).toBe('a'.repeat(MAX_TEXT_LENGTH - 1));
  });

  it('reads a mail the parser gives up on from its headers alone, and says its content was not read', async () => {
    // Prepare: a header over postal-mime's 2 MiB limit.
    const raw = `From: Camille Martin <camille.martin@ac-dijon.fr>\r\nSubject: LSUN bulletins\r\nX-Big: ${'a'.repeat(3 * 1024 * 1024)}\r\n\r\ncorps`;

    // Act
    const mail = await parseMime(raw);

    // Assess
    expect(mail).toMatchObject({
      from: { address: 'camille.martin@ac-dijon.fr', name: 'Camille Martin' },
      subject: 'LSUN bulletins',
      text: UNREADABLE_BODY_TEXT,
      attachments: [],
    });
  });

  it('raises MimeParseError when an attachment is asked of a mail the parser gives up on', async () => {
    // Prepare
    const raw = `From: x@ac-dijon.fr\r\nX-Big: ${'a'.repeat(3 * 1024 * 1024)}\r\n\r\ncorps`;

    // Act
    const reading = readAttachment(raw, 0);

    // Assess
    await expect(reading).rejects.toThrow(MimeParseError);
  });
});

describe('htmlToText', () => {
  it('breaks lines at block elements and joins source lines inside a paragraph', () => {
    // Act
    const text = htmlToText('<div>Bonjour</div><p>une phrase\r\ncoupée</p>fin');

    // Assess
    expect(text).toBe('Bonjour\n\nune phrase coupée\nfin');
  });

  it('keeps a lone < of the text', () => {
    // Act
    const text = htmlToText('<p>3 < 5 et 7 > 2</p>');

    // Assess
    expect(text).toBe('3 < 5 et 7 > 2');
  });

  it('drops an unclosed script to the end rather than showing it', () => {
    // Act
    const text = htmlToText('<p>avant</p><script>alert(1)');

    // Assess
    expect(text).toBe('avant');
  });

  it('maps numeric references in the C1 range as browsers do (&#128; is €)', () => {
    // Act
    const text = htmlToText('&#128; &#x9c; &#0; &amp;lt;');

    // Assess
    expect(text).toBe('€ œ \ufffd &lt;');
  });

  it('leaves unknown entities as they are', () => {
    // Act
    const text = htmlToText('a &unknown; b &eacute');

    // Assess
    expect(text).toBe('a &unknown; b &eacute');
  });

  it('stays fast on hostile markup (many unclosed tags)', () => {
    // Prepare
    const hostile = '<a'.repeat(200_000) + '<script'.repeat(50_000);

    // Act
    const text = htmlToText(hostile);

    // Assess
    expect(text.startsWith('<a<a')).toBe(true);
  });
});

describe('readAttachment', () => {
  it('reads the bytes of the attachment at the index the intake recorded, with its name and type', async () => {
    // Prepare
    const raw = await fixture('multipart-pdf.eml');
    const recorded = (await parseMime(raw)).attachments;

    // Act
    const attachment = await readAttachment(raw, 0);

    // Assess
    expect(attachment).toBeDefined();
    expect(attachment?.filename).toBe(recorded[0]?.filename);
    expect(attachment?.mimeType).toBe('application/pdf');
    expect(attachment?.bytes.byteLength).toBe(recorded[0]?.size);
    expect(new TextDecoder().decode(attachment?.bytes.slice(0, 5))).toBe('%PDF-');
  });

  it('finds nothing past the last attachment', async () => {
    // Act
    const attachment = await readAttachment(await fixture('multipart-pdf.eml'), 1);

    // Assess
    expect(attachment).toBeUndefined();
  });
});
