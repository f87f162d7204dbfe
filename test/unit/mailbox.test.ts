import { describe, expect, it } from 'vitest';
import { mailboxOf } from '#shared/domain/mailbox.ts';

/** Decodes encoded-words back, as a mail client does. */
function decoded(mailbox: string): string {
  return mailbox
    .replace(/ <[^>]+>$/, '')
    .split(' ')
    .map((word) => {
      const base64 = /^=\?UTF-8\?B\?(.*)\?=$/.exec(word)?.[1];
      return base64 === undefined
        ? word
        : new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    })
    .join('');
}

describe('the From of the mails the desk sends', () => {
  it('writes a French display name as RFC 2047 encoded-words, which SES requires outside ASCII', () => {
    // Act
    const from = mailboxOf('Assistance LSUN – Académie de Dijon', 'assistance1d@ac-dijon.fr');

    // Assess
    expect(from).toMatch(
      /^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=( =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=)* <assistance1d@ac-dijon\.fr>$/,
    );
    expect(decoded(from)).toBe('Assistance LSUN – Académie de Dijon');
  });

  it('keeps each encoded-word within 75 characters, never splitting a character', () => {
    // Act
    const from = mailboxOf(
      'Équipe d’assistance du premier degré – Académie de Dijon – Côte-d’Or',
      'a@ac-dijon.fr',
    );

    // Assess
    const words = from.replace(/ <[^>]+>$/, '').split(' ');
    expect(words.length).toBeGreaterThan(1);
    for (const word of words) expect(word.length).toBeLessThanOrEqual(75);
    expect(decoded(from)).toBe('Équipe d’assistance du premier degré – Académie de Dijon – Côte-d’Or');
  });

  it('quotes a plain ASCII name, drops quotes and line breaks, and gives the bare address without a name', () => {
    expect(mailboxOf('Assistance LSUN', 'a@ac-dijon.fr')).toBe('"Assistance LSUN" <a@ac-dijon.fr>');
    expect(mailboxOf('Say "hi"\r\nBcc: x@y', 'a@ac-dijon.fr')).toBe('"Say hiBcc: x@y" <a@ac-dijon.fr>');
    expect(mailboxOf('  ', 'a@ac-dijon.fr')).toBe('a@ac-dijon.fr');
  });
});
