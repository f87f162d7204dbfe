/**
 * The mails the desk sends on its own, in French: the acknowledgment of a new ticket and the
 * notices that explain why a mail was not taken. Plain text, polite, signed with the desk's
 * name, and never quoting the received body (it may hold personal data, and a reply that
 * echoes content is what makes a desk useful to spammers).
 */
import type { DirectoryMatch, School } from '#shared/domain/directory.ts';
import { acknowledgmentSubject, stripReplyPrefixes } from '#shared/domain/subject.ts';

/** A mail ready for the outbox: subject and plain-text body. */
export type DeskReply = { subject: string; text: string };

const DEFAULT_ACADEMIC_DOMAIN = 'ac-dijon.fr';
const AUTOMATIC = 'Ce message a été envoyé automatiquement.';

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** `Re: <subject>` without stacking `Re:`, or the fallback when the mail had no subject. */
function replySubject(originalSubject: string | undefined, fallback: string): string {
  let subject = oneLine(originalSubject ?? '');
  for (let previous = ''; previous !== subject; ) {
    previous = subject;
    subject = subject.replace(/^re\s*(?:\[\d+\])?\s*:\s*/i, '');
  }
  return subject === '' ? fallback : `Re: ${subject}`;
}

function signature(deskDisplayName: string): string {
  return `Cordialement,\n\n${oneLine(deskDisplayName)}`;
}

function body(paragraphs: Array<string | undefined>): string {
  return `${paragraphs.filter((paragraph) => paragraph !== undefined).join('\n\n')}\n`;
}

const CIVILITIES: Record<string, string> = {
  m: 'Monsieur',
  mr: 'Monsieur',
  monsieur: 'Monsieur',
  mme: 'Madame',
  madame: 'Madame',
  mlle: 'Madame',
};

/** `Madame` or `Monsieur` for a civility as the directory writes it (`Mme`, `M.`…), undefined for anything else. */
export function civilityWord(civility: string | undefined): string | undefined {
  return CIVILITIES[(civility ?? '').trim().toLowerCase().replace(/\.$/, '')];
}

/** What the acknowledgment needs to know of the requester. */
export type AcknowledgedRequester = Pick<DirectoryMatch, 'civility' | 'lastName' | 'schools'> & {
  kind: string;
};

/** `Bonjour Madame Martin,` when the directory knows a director's civility and name, else `Bonjour,`. */
export function greetingOf(requester: Pick<AcknowledgedRequester, 'kind' | 'civility' | 'lastName'>): string {
  const civility = CIVILITIES[(requester.civility ?? '').trim().toLowerCase().replace(/\.$/, '')];
  const lastName = oneLine(requester.lastName ?? '');
  if (requester.kind === 'director' && civility && lastName !== '') return `Bonjour ${civility} ${lastName},`;
  return 'Bonjour,';
}

function describeSchool(school: School): string {
  return `${oneLine(school.name)}, ${oneLine(school.commune)} (UAI ${school.uai.toUpperCase()})`;
}

function schoolsParagraph(schools: School[]): string | undefined {
  if (schools.length === 0) return undefined;
  const [only, ...others] = schools;
  if (only && others.length === 0) return `École reconnue : ${describeSchool(only)}`;
  return ['Écoles reconnues :', ...schools.map((school) => `  - ${describeSchool(school)}`)].join('\n');
}

export type AcknowledgmentInput = {
  ticketNumber: string;
  originalSubject: string;
  requester: AcknowledgedRequester;
  deskDisplayName: string;
  /** Public articles of the knowledge base that match the question (at most three), best first. */
  suggestions?: ReadonlyArray<{ title: string; url: string }>;
};

/**
 * The acknowledgment of a new ticket: its number, the school the desk recognised (so a director
 * of several schools sees which one is meant), what happens next, and how to add information
 * without opening a second ticket.
 */
export function acknowledgmentMail(input: AcknowledgmentInput): DeskReply {
  const { ticketNumber } = input;
  const topic = stripReplyPrefixes(input.originalSubject);
  return {
    subject: acknowledgmentSubject(ticketNumber, input.originalSubject),
    text: body([
      greetingOf(input.requester),
      `Votre demande d’assistance LSUN a bien été reçue. Elle est enregistrée sous le numéro ${ticketNumber}.`,
      [topic === '' ? undefined : `Objet : ${topic}`, schoolsParagraph(input.requester.schools)]
        .filter((line) => line !== undefined)
        .join('\n'),
      'Et maintenant ? Un agent de l’assistance va étudier votre demande et vous répondra par courriel.',
      suggestionsParagraph(input.suggestions ?? []),
      `Pour compléter votre demande (précision, copie d’écran, pièce jointe), répondez simplement à ce message en conservant « [${ticketNumber}] » dans l’objet : votre réponse sera ajoutée à cette demande. Pour une autre question, envoyez un nouveau message avec le mot « LSUN » dans l’objet.`,
      AUTOMATIC,
      signature(input.deskDisplayName),
    ]),
  };
}

/**
 * The articles that may already answer the question, each with its public link; nothing when
 * there are none (the search answers only above its threshold).
 */
function suggestionsParagraph(
  suggestions: ReadonlyArray<{ title: string; url: string }>,
): string | undefined {
  if (suggestions.length === 0) return undefined;
  const lines = suggestions.map(({ title, url }) => `- ${title}\n  ${url}`);
  const intro =
    suggestions.length === 1
      ? 'En attendant, cet article de la base de connaissances répond peut-être déjà à votre question :'
      : 'En attendant, ces articles de la base de connaissances répondent peut-être déjà à votre question :';
  return [
    intro,
    ...lines,
    'Si l’un d’eux résout votre difficulté, dites-le-nous en répondant à ce message : votre demande sera close.',
  ].join('\n');
}

export type NoKeywordInput = {
  originalSubject: string;
  keyword: string;
  /** The desk address to write to. */
  deskAddress: string;
  deskDisplayName: string;
};

/** The notice for a mail without the keyword in its subject: the desk takes only LSUN requests. */
export function noKeywordMail(input: NoKeywordInput): DeskReply {
  const { keyword } = input;
  return {
    subject: replySubject(input.originalSubject, 'Votre message à l’assistance LSUN'),
    text: body([
      'Bonjour,',
      `Votre message n’a pas été pris en charge : cette assistance traite uniquement les demandes concernant LSUN (livret scolaire unique numérique), et le mot-clé « ${keyword} » doit figurer dans l’objet du message.`,
      `Pour que votre demande soit enregistrée, écrivez de nouveau à ${input.deskAddress} en indiquant « ${keyword} » dans l’objet, par exemple : « ${keyword} – impossible d’éditer les livrets ». Précisez votre école (nom, commune ou UAI) et décrivez la difficulté rencontrée.`,
      'Pour toute autre question, merci d’utiliser les canaux d’assistance habituels.',
      AUTOMATIC,
      signature(input.deskDisplayName),
    ]),
  };
}

export type NotDirectorInput = {
  originalSubject: string;
  deskDisplayName: string;
  /** The academic domain shown in the advice; `ac-dijon.fr` when not given. */
  academicDomain?: string;
};

/**
 * The notice for a sender the directory does not know as a director: the desk serves school
 * directors, from their academic address or their school's mailbox; staff may still take the mail.
 */
export function notDirectorMail(input: NotDirectorInput): DeskReply {
  const domain = input.academicDomain ?? DEFAULT_ACADEMIC_DOMAIN;
  return {
    subject: replySubject(input.originalSubject, 'Votre message à l’assistance LSUN'),
    text: body([
      'Bonjour,',
      'Cette assistance LSUN est réservée aux directrices et directeurs d’école du premier degré. Votre adresse n’a pas été reconnue comme celle d’une directrice ou d’un directeur d’école dans notre annuaire.',
      `Si vous dirigez une école, écrivez de nouveau depuis votre adresse académique (@${domain}) ou depuis la boîte fonctionnelle de l’école (ce.UAI@${domain}, où UAI est le numéro de l’école).`,
      'Pour toute autre demande, merci de passer par les canaux d’assistance habituels (portail PIA : pia.ac-dijon.fr).',
      'Votre message a toutefois été conservé : l’équipe d’assistance pourra décider de le prendre en charge.',
      AUTOMATIC,
      signature(input.deskDisplayName),
    ]),
  };
}

export type QuotaNoticeInput = {
  /** Which cap was reached: new requests, or follow-ups on existing requests. */
  kind: 'request' | 'follow_up';
  /** Mails of that kind accepted per sender per day. */
  cap: number;
  deskDisplayName: string;
  /** Subject of the mail that hit the cap, to thread the notice under it. */
  originalSubject?: string;
};

/**
 * The notice sent (once a day at most) to a sender over a daily cap. Over the cap of new
 * requests: further new requests today wait for staff, follow-ups still pass. Over the cap of
 * follow-ups: further follow-ups today wait for staff.
 */
export function quotaNoticeMail(input: QuotaNoticeInput): DeskReply {
  if (input.kind === 'follow_up') {
    return {
      subject: replySubject(
        input.originalSubject,
        'Assistance LSUN : limite quotidienne de messages atteinte',
      ),
      text: body([
        'Bonjour,',
        `Vous avez atteint la limite quotidienne de messages de suivi adressés à l’assistance LSUN sur vos demandes (${input.cap} par jour).`,
        'Les messages que vous enverrez encore aujourd’hui sur vos demandes ne seront pas ajoutés automatiquement : ils sont mis en attente et seront examinés par l’équipe d’assistance.',
        'Si nécessaire, écrivez de nouveau demain. Vous ne recevrez pas d’autre avis de ce type aujourd’hui.',
        AUTOMATIC,
        signature(input.deskDisplayName),
      ]),
    };
  }
  return {
    subject: replySubject(input.originalSubject, 'Assistance LSUN : limite quotidienne de demandes atteinte'),
    text: body([
      'Bonjour,',
      `Vous avez atteint la limite quotidienne de nouvelles demandes adressées à l’assistance LSUN (${input.cap} par jour).`,
      'Les nouvelles demandes que vous enverrez encore aujourd’hui ne seront pas enregistrées automatiquement : elles sont mises en attente et seront examinées par l’équipe d’assistance.',
      'Les réponses à vos demandes déjà enregistrées (en conservant « [LSUN-…] » dans l’objet) continuent d’être traitées normalement.',
      'Si nécessaire, écrivez de nouveau demain. Vous ne recevrez pas d’autre avis de ce type aujourd’hui.',
      AUTOMATIC,
      signature(input.deskDisplayName),
    ]),
  };
}

export type AutoCloseNoticeInput = {
  ticketNumber: string;
  /** The ticket's tagged subject (`[LSUN-…] …`); the notice answers under `Re:` of it. */
  subject: string;
  /** Working days the ticket waited for an answer. */
  workingDays: number;
  deskDisplayName: string;
};

/**
 * The notice of a ticket closed for want of an answer: short, says why, and that a reply on the
 * same thread reopens it (the follow-up's reopen), so the director loses nothing by it.
 */
export function autoCloseNoticeMail(input: AutoCloseNoticeInput): DeskReply {
  const { ticketNumber } = input;
  return {
    subject: replySubject(input.subject, `[${ticketNumber}] Votre demande d’assistance LSUN`),
    text: body([
      'Bonjour,',
      `Sans réponse de votre part depuis ${input.workingDays} jours ouvrés, votre demande ${ticketNumber} a été clôturée.`,
      `Si votre difficulté n’est pas résolue, répondez simplement à ce message en conservant « [${ticketNumber}] » dans l’objet : votre demande sera rouverte.`,
      AUTOMATIC,
      signature(input.deskDisplayName),
    ]),
  };
}
