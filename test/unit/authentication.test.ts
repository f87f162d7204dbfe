import { describe, expect, it } from 'vitest';
import { type AuthenticationInput, checkAuthentication } from '#shared/domain/authentication.ts';
import type { ReceiptVerdicts } from '#shared/domain/mail.ts';

function input(
  verdicts: Partial<ReceiptVerdicts>,
  overrides: Partial<AuthenticationInput> = {},
): AuthenticationInput {
  return {
    verdicts: { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS', spam: 'PASS', virus: 'PASS', ...verdicts },
    fromAddress: 'claire.martin@ac-dijon.fr',
    envelopeFrom: 'claire.martin@ac-dijon.fr',
    dkimDomains: ['ac-dijon.fr'],
    ...overrides,
  };
}

describe('checkAuthentication', () => {
  describe('when the From domain publishes DMARC', () => {
    it('authenticates a mail whose DMARC passed', () => {
      // Act
      const result = checkAuthentication(input({ dmarc: 'PASS' }));

      // Assess
      expect(result).toEqual({ authenticated: true, detail: 'DMARC validé pour ac-dijon.fr' });
    });

    it('refuses a mail whose DMARC failed, even if SPF and DKIM passed for another domain', () => {
      // Prepare
      const mail = input(
        { dmarc: 'FAIL', dmarcPolicy: 'REJECT' },
        { envelopeFrom: 'bounce@evil.example', dkimDomains: ['evil.example'] },
      );

      // Act
      const result = checkAuthentication(mail);

      // Assess
      expect(result).toEqual({
        authenticated: false,
        detail: 'DMARC en échec pour ac-dijon.fr (politique reject)',
      });
    });

    it('refuses a mail whose DMARC check could not be made', () => {
      // Act
      const result = checkAuthentication(input({ dmarc: 'PROCESSING_FAILED' }));

      // Assess
      expect(result).toEqual({
        authenticated: false,
        detail: 'Vérification DMARC impossible pour ac-dijon.fr',
      });
    });
  });

  describe('when the From domain has no DMARC record (GRAY) or DMARC was not checked', () => {
    it.each(['GRAY', 'DISABLED'] as const)(
      'with DMARC %s, authenticates SPF passing for the same domain',
      (dmarc) => {
        // Prepare
        const mail = input({ dmarc, spf: 'PASS', dkim: 'GRAY' }, { dkimDomains: [] });

        // Act
        const result = checkAuthentication(mail);

        // Assess
        expect(result.authenticated).toBe(true);
        expect(result.detail).toContain('SPF validé et aligné (ac-dijon.fr)');
      },
    );

    it('authenticates SPF passing for a subdomain of the From domain (relaxed alignment)', () => {
      // Prepare
      const mail = input(
        { dmarc: 'GRAY', spf: 'PASS', dkim: 'GRAY' },
        { envelopeFrom: '<bounces@mail.ac-dijon.fr>', dkimDomains: [] },
      );

      // Act
      const result = checkAuthentication(mail);

      // Assess
      expect(result).toEqual({
        authenticated: true,
        detail: 'Pas de DMARC pour ac-dijon.fr ; SPF validé et aligné (mail.ac-dijon.fr)',
      });
    });

    it('authenticates a From subdomain when SPF passed for its parent domain', () => {
      // Prepare
      const mail = input(
        { dmarc: 'GRAY', spf: 'PASS', dkim: 'GRAY' },
        { fromAddress: 'x@ecole.example.fr', envelopeFrom: 'x@example.fr', dkimDomains: [] },
      );

      // Act
      const result = checkAuthentication(mail);

      // Assess
      expect(result.authenticated).toBe(true);
    });

    it('refuses SPF passing for an unrelated envelope domain', () => {
      // Prepare
      const mail = input(
        { dmarc: 'GRAY', spf: 'PASS', dkim: 'GRAY' },
        { envelopeFrom: 'bounce@newsletter.example', dkimDomains: [] },
      );

      // Act
      const result = checkAuthentication(mail);

      // Assess
      expect(result).toEqual({
        authenticated: false,
        detail:
          'Pas de DMARC pour ac-dijon.fr ; ni SPF ni DKIM validés et alignés sur ac-dijon.fr (SPF PASS, DKIM GRAY)',
      });
    });

    it('refuses a lookalike envelope domain that merely ends with the From domain', () => {
      // Prepare
      const mail = input(
        { dmarc: 'GRAY', spf: 'PASS', dkim: 'GRAY' },
        { envelopeFrom: 'x@evil-ac-dijon.fr', dkimDomains: [] },
      );

      // Act
      const result = checkAuthentication(mail);

      // Assess
      expect(result.authenticated).toBe(false);
    });

    it('refuses SPF passing for an empty return path (a null sender aligns with nothing)', () => {
      // Prepare
      const mail = input({ dmarc: 'GRAY', spf: 'PASS', dkim: 'GRAY' }, { envelopeFrom: '', dkimDomains: [] });

      // Act
      const result = checkAuthentication(mail);

      // Assess
      expect(result.authenticated).toBe(false);
    });

    it('authenticates DKIM passing with an aligned signature domain', () => {
      // Prepare
      const mail = input(
        { dmarc: 'GRAY', spf: 'FAIL', dkim: 'PASS' },
        { envelopeFrom: 'bounce@relay.example.org', dkimDomains: ['relay.example.org', 'AC-Dijon.fr'] },
      );

      // Act
      const result = checkAuthentication(mail);

      // Assess
      expect(result).toEqual({
        authenticated: true,
        detail: 'Pas de DMARC pour ac-dijon.fr ; DKIM validé et aligné (d=ac-dijon.fr)',
      });
    });

    it('refuses DKIM passing for another domain only', () => {
      // Prepare
      const mail = input(
        { dmarc: 'GRAY', spf: 'FAIL', dkim: 'PASS' },
        { envelopeFrom: 'bounce@relay.example.org', dkimDomains: ['relay.example.org'] },
      );

      // Act
      const result = checkAuthentication(mail);

      // Assess
      expect(result.authenticated).toBe(false);
    });

    it('refuses an aligned signature whose DKIM verdict is not PASS', () => {
      // Prepare
      const mail = input(
        { dmarc: 'GRAY', spf: 'GRAY', dkim: 'FAIL' },
        { envelopeFrom: 'bounce@relay.example.org', dkimDomains: ['ac-dijon.fr'] },
      );

      // Act
      const result = checkAuthentication(mail);

      // Assess
      expect(result.authenticated).toBe(false);
    });

    it('never aligns on a bare top-level domain', () => {
      // Prepare
      const mail = input(
        { dmarc: 'GRAY', spf: 'FAIL', dkim: 'PASS' },
        { envelopeFrom: '', dkimDomains: ['fr'] },
      );

      // Act
      const result = checkAuthentication(mail);

      // Assess
      expect(result.authenticated).toBe(false);
    });

    it('says when DMARC was not checked at all', () => {
      // Prepare
      const mail = input({ dmarc: 'DISABLED', spf: 'FAIL', dkim: 'FAIL' });

      // Act
      const result = checkAuthentication(mail);

      // Assess
      expect(result.detail).toMatch(/^DMARC non vérifié ; /);
    });
  });

  it('refuses a From address without a domain', () => {
    // Act
    const result = checkAuthentication(input({ dmarc: 'PASS' }, { fromAddress: 'claire' }));

    // Assess
    expect(result).toEqual({ authenticated: false, detail: 'Adresse d’expéditeur sans domaine' });
  });

  describe('what DMARC does not look at', () => {
    it('refuses a mail naming several authors, even when DMARC passed', () => {
      // Prepare: DMARC judged one domain; the desk would answer the first address.
      const mail = input(
        { dmarc: 'PASS' },
        { fromAddresses: ['claire.martin@ac-dijon.fr', 'attacker@evil.example'] },
      );

      // Act
      const result = checkAuthentication(mail);

      // Assess
      expect(result).toEqual({
        authenticated: false,
        detail: 'Plusieurs adresses d’expéditeur (From) : claire.martin@ac-dijon.fr, attacker@evil.example',
      });
    });

    it('refuses two directors in one From, though both are academic', () => {
      // Act
      const result = checkAuthentication(
        input({ dmarc: 'PASS' }, { fromAddresses: ['claire.martin@ac-dijon.fr', 'paul.roux@ac-dijon.fr'] }),
      );

      // Assess
      expect(result.authenticated).toBe(false);
    });

    it('refuses a Sender of another domain on a mail whose DMARC passed', () => {
      // Prepare: signed by the académie, but it says someone outside sent it for the director.
      const mail = input({ dmarc: 'PASS' }, { sender: 'attacker@evil.example' });

      // Act
      const result = checkAuthentication(mail);

      // Assess
      expect(result).toEqual({
        authenticated: false,
        detail: 'En-tête Sender (attacker@evil.example) d’un autre domaine que l’expéditeur (ac-dijon.fr)',
      });
    });

    it('refuses a Sender of a lookalike domain without DMARC', () => {
      // Act
      const result = checkAuthentication(input({ dmarc: 'GRAY' }, { sender: 'secretariat@ac-dijom.fr' }));

      // Assess
      expect(result.authenticated).toBe(false);
    });

    it('accepts a Sender that is the author themself, whatever its case', () => {
      // Act
      const result = checkAuthentication(
        input(
          { dmarc: 'PASS' },
          { sender: 'Claire.Martin@ac-dijon.fr', fromAddresses: ['claire.martin@ac-dijon.fr'] },
        ),
      );

      // Assess
      expect(result).toEqual({ authenticated: true, detail: 'DMARC validé pour ac-dijon.fr' });
    });

    it('refuses a colleague of the académie sending for the director (Exchange « de la part de »)', () => {
      // Act
      const result = checkAuthentication(
        input(
          { dmarc: 'PASS' },
          { sender: 'secretariat@ac-dijon.fr', fromAddresses: ['claire.martin@ac-dijon.fr'] },
        ),
      );

      // Assess
      expect(result).toEqual({
        authenticated: false,
        detail:
          'En-tête Sender (secretariat@ac-dijon.fr) différent de l’expéditeur (claire.martin@ac-dijon.fr)',
      });
    });
  });
});
