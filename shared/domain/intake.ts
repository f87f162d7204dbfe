/**
 * The académie's intake procedure, made exact: which outcome a received mail gets.
 *
 * The checks run in the order of the public outcome table (see `Outcome`). Two of them need
 * the store's atomic help and are settled there, not here: `duplicate` (a Message-ID seen
 * before) and `rate_limited` (the daily cap, exact under concurrency). This module decides
 * everything else from plain data, and says which daily cap a mail counts against.
 */
import { domainOf, isAcademicAddress, normalizeAddress } from './address.ts';
import { checkAuthentication } from './authentication.ts';
import { detectAutomaticMail } from './auto-reply.ts';
import type { DirectoryMatch } from './directory.ts';
import type { InboundMail } from './mail.ts';
import { findTicketTag, hasKeyword } from './subject.ts';

/** The rules the intake applies, from configuration. */
export type IntakeRules = {
  academicDomain: string;
  deskAddresses: string[];
  subjectKeyword: string;
};

/** A ticket as the follow-up check needs to see it. */
export type ThreadCandidate = {
  ticketNumber: string;
  /** Addresses allowed to add to the ticket: the requester and the schools' mailboxes. */
  participants: string[];
  /** Schools of the ticket: a director of one of them may add to it too. */
  uais: string[];
};

/** Which daily counter a mail that reached the quota step is counted against. */
export type QuotaKind = 'request' | 'follow_up';

/**
 * What the intake decided before the store's atomic checks.
 * - `rejected`: a terminal outcome decided before the quota step; never answered.
 * - `counted`: the mail reached the quota step; the store counts it against `quota` and, if the
 *   cap is reached, records `rate_limited` instead of `outcome`.
 */
export type Screening =
  | {
      kind: 'rejected';
      outcome: 'auto_reply' | 'spam_or_virus' | 'not_authenticated' | 'not_academic';
      detail: string;
    }
  | { kind: 'counted'; quota: 'follow_up'; outcome: 'follow_up'; detail: string; ticketNumber: string }
  | {
      kind: 'counted';
      quota: 'request';
      outcome: 'no_keyword' | 'not_director' | 'ticket_created';
      detail: string;
      director: DirectoryMatch | undefined;
    };

/**
 * The checks that need nothing but the mail itself (steps 2 to 5). Returns the rejection, or
 * undefined when the mail goes on to the directory and thread look-ups.
 */
export function screenAlone(mail: InboundMail, rules: IntakeRules): Screening | undefined {
  const automatic = detectAutomaticMail(mail, rules.deskAddresses);
  if (automatic) return { kind: 'rejected', outcome: 'auto_reply', detail: automatic };

  const { spam, virus } = mail.verdicts;
  if (spam === 'FAIL' || virus === 'FAIL') {
    const which = [spam === 'FAIL' && 'spam', virus === 'FAIL' && 'virus'].filter(Boolean).join(' et ');
    return { kind: 'rejected', outcome: 'spam_or_virus', detail: `Verdict SES : ${which}` };
  }

  if (!mail.from) {
    return { kind: 'rejected', outcome: 'not_authenticated', detail: 'En-tête From absent ou illisible' };
  }
  const authentication = checkAuthentication({
    verdicts: mail.verdicts,
    fromAddress: mail.from.address,
    envelopeFrom: mail.envelopeFrom,
    dkimDomains: mail.dkimDomains,
    fromAddresses: mail.fromAddresses,
    sender: mail.sender,
  });
  if (!authentication.authenticated) {
    return { kind: 'rejected', outcome: 'not_authenticated', detail: authentication.detail };
  }

  return refuseNonAcademic(mail.from.address, rules);
}

/**
 * Step 4, the academic address, alone: the portal's requests pass it too (the portal vouches for
 * who wrote, not for an address being academic). Undefined when the address is academic.
 */
export function refuseNonAcademic(
  address: string,
  rules: Pick<IntakeRules, 'academicDomain'>,
): Screening | undefined {
  if (isAcademicAddress(address, rules.academicDomain)) return undefined;
  return {
    kind: 'rejected',
    outcome: 'not_academic',
    detail: `Domaine ${domainOf(address) ?? 'inconnu'} hors ${rules.academicDomain}`,
  };
}

/**
 * The desk address the mail was written to (its answers come from it): the first recipient that
 * is one of the desk's, else the desk's first (SES only invokes us for the desk's addresses).
 */
export function deskAddressOf(recipients: string[], rules: Pick<IntakeRules, 'deskAddresses'>): string {
  return (
    recipients.find((recipient) => rules.deskAddresses.includes(recipient)) ?? rules.deskAddresses[0] ?? ''
  );
}

/** The ticket a mail claims to continue, by the tag in its subject. */
export function claimedTicketNumber(mail: InboundMail, rules: IntakeRules): string | undefined {
  return findTicketTag(mail.subject, rules.subjectKeyword);
}

/** Whether the sender may add to this ticket: a participant, or a director of one of its schools. */
export function mayFollowUp(
  sender: string,
  ticket: ThreadCandidate,
  director: DirectoryMatch | undefined,
): boolean {
  const address = normalizeAddress(sender);
  if (ticket.participants.some((participant) => normalizeAddress(participant) === address)) return true;
  return director?.schools.some((school) => ticket.uais.includes(school.uai)) ?? false;
}

/**
 * Steps 6 to 10 for a mail that passed `screenAlone`, given what the look-ups found: the
 * ticket it claims to continue (if any) and the sender's directory entry (if any).
 */
export function screenWithFacts(
  mail: InboundMail & { from: { address: string } },
  rules: IntakeRules,
  facts: { thread: ThreadCandidate | undefined; director: DirectoryMatch | undefined },
): Screening {
  const { thread, director } = facts;
  if (thread && mayFollowUp(mail.from.address, thread, director)) {
    return {
      kind: 'counted',
      quota: 'follow_up',
      outcome: 'follow_up',
      detail: `Ajouté au ticket ${thread.ticketNumber}`,
      ticketNumber: thread.ticketNumber,
    };
  }
  if (!hasKeyword(mail.subject, rules.subjectKeyword)) {
    return {
      kind: 'counted',
      quota: 'request',
      outcome: 'no_keyword',
      detail: `Mot-clé ${rules.subjectKeyword} absent du sujet`,
      director,
    };
  }
  if (!director) {
    return {
      kind: 'counted',
      quota: 'request',
      outcome: 'not_director',
      detail: `${mail.from.address} n'est ni un directeur ni une boîte d'école de l'annuaire`,
      director,
    };
  }
  const schools = director.schools.map((school) => `${school.name} (${school.uai})`).join(', ');
  return {
    kind: 'counted',
    quota: 'request',
    outcome: 'ticket_created',
    detail: `École : ${schools}`,
    director,
  };
}
