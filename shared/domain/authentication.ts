/**
 * Whether a received mail really comes from the domain of its From address, judged from the
 * verdicts SES computed. A mail that fails here may be a spoof: the desk never answers it, so a
 * forged sender cannot turn the desk into a mail cannon aimed at someone else.
 */
import { domainOf } from '#shared/domain/address.ts';
import type { ReceiptVerdicts } from '#shared/domain/mail.ts';

export type AuthenticationInput = {
  verdicts: ReceiptVerdicts;
  /** The From header's address. */
  fromAddress: string;
  /** The SMTP MAIL FROM (return path); '' for a null sender. */
  envelopeFrom: string;
  /** The `d=` domains of the mail's DKIM-Signature headers. */
  dkimDomains: string[];
  /** Every address of the From headers; more than one is refused. */
  fromAddresses?: string[];
  /** The Sender header's address, if any. */
  sender?: string;
};

export type AuthenticationResult = {
  authenticated: boolean;
  /** Short French explanation, kept in the intake log. */
  detail: string;
};

function cleanDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * Relaxed alignment, simplified: the two domains are equal or one is a subdomain of the other.
 * A bare top-level domain never aligns (nobody signs as `fr`).
 */
function aligned(domain: string, fromDomain: string): boolean {
  const a = cleanDomain(domain);
  const b = cleanDomain(fromDomain);
  if (a === '' || b === '' || !a.includes('.') || !b.includes('.')) return false;
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

/**
 * Decides whether the From domain is authenticated. DMARC decides when the domain publishes a
 * policy. Without DMARC (SES says GRAY, or did not check), the mail passes only when SPF passed
 * for an envelope domain aligned with the From domain, or DKIM passed and one signature's domain
 * is aligned with it.
 *
 * Two things DMARC does not look at are refused first, because each lets a verdict about one
 * party stand for another: several From addresses (DMARC judges one domain, the desk would
 * answer the first address), and a Sender other than the author (the mail says someone else sent
 * it for the director: a delegate, a relay or a compromised account writing in their name).
 */
export function checkAuthentication(input: AuthenticationInput): AuthenticationResult {
  const { verdicts } = input;
  const fromDomain = cleanDomain(domainOf(input.fromAddress) ?? '');
  if (fromDomain === '') {
    return { authenticated: false, detail: 'Adresse d’expéditeur sans domaine' };
  }
  const authors = input.fromAddresses ?? [];
  if (authors.length > 1) {
    return {
      authenticated: false,
      detail: `Plusieurs adresses d’expéditeur (From) : ${authors.join(', ')}`,
    };
  }
  // The Sender is who actually sent the mail. Any other address than the author's, even a
  // colleague's of the académie (« de la part de »), means the director did not send it, and the
  // desk answers only directors: a Sender with no domain names nobody and is ignored.
  const sender = (input.sender ?? '').trim().toLowerCase();
  if (domainOf(sender) !== undefined && sender !== input.fromAddress.trim().toLowerCase()) {
    const senderDomain = cleanDomain(domainOf(sender) ?? '');
    return {
      authenticated: false,
      detail: aligned(senderDomain, fromDomain)
        ? `En-tête Sender (${input.sender}) différent de l’expéditeur (${input.fromAddress})`
        : `En-tête Sender (${input.sender}) d’un autre domaine que l’expéditeur (${fromDomain})`,
    };
  }

  switch (verdicts.dmarc) {
    case 'PASS':
      return { authenticated: true, detail: `DMARC validé pour ${fromDomain}` };
    case 'FAIL': {
      const policy = verdicts.dmarcPolicy ? ` (politique ${verdicts.dmarcPolicy.toLowerCase()})` : '';
      return { authenticated: false, detail: `DMARC en échec pour ${fromDomain}${policy}` };
    }
    case 'PROCESSING_FAILED':
      return { authenticated: false, detail: `Vérification DMARC impossible pour ${fromDomain}` };
    case 'GRAY':
    case 'DISABLED':
      return withoutDmarc(input, fromDomain);
  }
}

function withoutDmarc(input: AuthenticationInput, fromDomain: string): AuthenticationResult {
  const { verdicts } = input;
  const why = verdicts.dmarc === 'GRAY' ? `Pas de DMARC pour ${fromDomain}` : 'DMARC non vérifié';
  const envelopeDomain = cleanDomain(domainOf(input.envelopeFrom) ?? '');
  if (verdicts.spf === 'PASS' && aligned(envelopeDomain, fromDomain)) {
    return { authenticated: true, detail: `${why} ; SPF validé et aligné (${envelopeDomain})` };
  }
  const dkimDomain = input.dkimDomains.find((domain) => aligned(domain, fromDomain));
  if (verdicts.dkim === 'PASS' && dkimDomain !== undefined) {
    return { authenticated: true, detail: `${why} ; DKIM validé et aligné (d=${cleanDomain(dkimDomain)})` };
  }
  return {
    authenticated: false,
    detail: `${why} ; ni SPF ni DKIM validés et alignés sur ${fromDomain} (SPF ${verdicts.spf}, DKIM ${verdicts.dkim})`,
  };
}
