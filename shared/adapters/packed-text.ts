/**
 * Long texts of the table's items (a message's body and subject, an outgoing mail's queue
 * message), stored compressed as a Binary attribute. DynamoDB bills a write per started KB of
 * the whole item: a 1.7 KB acknowledgment costs two units at each of its four writes, one under
 * 1 KB. AWS's own guidance for long texts is this (Developer Guide, « Best practices for storing
 * large items and attributes », compressing large attribute values: GZIP-like output in a Binary
 * attribute, at the price of the value being useless in a filter).
 *
 * The texts are short (a few hundred bytes to a few KB), where a compressor without context
 * gains little: deflate shrinks a 700-byte acknowledgment to about 420 bytes, brotli to about 400
 * at 20 times the CPU. Deflate with a preset dictionary (zlib's `dictionary` option, RFC 1950's
 * FDICT) starts with the desk's own wording already seen: an acknowledgment takes 60 to 250 bytes
 * (its schools and suggestions are new text), a director's request about 260 instead of 340, at
 * 40 to 75 µs of CPU each (measured on the benchmarks' corpus, busy machine).
 *
 * The first byte names the format, so that the dictionary is never edited, only succeeded: a
 * stored value must inflate with the dictionary it was deflated with, for as long as it is kept.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** The format byte of deflate-raw with `DICTIONARY_1`. */
const FORMAT_1 = 1;

/**
 * The first dictionary: frozen. Deflate looks back at most 32 KB and codes near matches more
 * cheaply, so the phrases most often met come last: the desk's own mails (its templates as of
 * December 2026, its name and addresses, its thread ids), then the words of a director's request
 * and of a queue message's fields. Never edit it: add `DICTIONARY_2` and a new format byte.
 */
const DICTIONARY_1 = Buffer.from(
  [
    '{"type":"mail.send","record":{"on":"notification","id":"notify_assigned.","on":"intake","sesMessageId":"',
    '"purpose":"staff_reply","auto_close_notice","notify_follow_up","quota_notice","not_director","no_keyword",',
    '"inReplyTo":"<","references":["<@ac-dijon.fr>","@assistance-lsun.invalid"],"autoSubmitted":true}',
    '.JavaMail.zimbra@ac-dijon.fr>',
    'Demandeur : École : non renseignée. Voir le ticket : https:///tickets/',
    '[Assistance LSUN] Ticket attribué par . Le ticket vous a été attribué',
    '[Assistance LSUN] Relance sur le ticket . Une relance est arrivée sur le ticket , qui vous est attribué.',
    'Sans réponse de votre part depuis jours ouvrés, votre demande a été clôturée.\n\n',
    'Si votre difficulté n’est pas résolue, répondez simplement à ce message en conservant « [] » dans l’objet : votre demande sera rouverte.\n\n',
    'Vous avez atteint la limite quotidienne de nouvelles demandes adressées à l’assistance LSUN (10 par jour).\n\n',
    'Les nouvelles demandes que vous enverrez encore aujourd’hui ne seront pas enregistrées automatiquement : elles sont mises en attente et seront examinées par l’équipe d’assistance.\n\n',
    'Les réponses à vos demandes déjà enregistrées (en conservant « [LSUN-…] » dans l’objet) continuent d’être traitées normalement.\n\n',
    'Vous avez atteint la limite quotidienne de messages de suivi adressés à l’assistance LSUN sur vos demandes (10 par jour).\n\n',
    'Les messages que vous enverrez encore aujourd’hui sur vos demandes ne seront pas ajoutés automatiquement : ils sont mis en attente et seront examinés par l’équipe d’assistance.\n\n',
    'Si nécessaire, écrivez de nouveau demain. Vous ne recevrez pas d’autre avis de ce type aujourd’hui.\n\n',
    'Assistance LSUN : limite quotidienne de demandes atteinte',
    'Votre message n’a pas été pris en charge : cette assistance traite uniquement les demandes concernant LSUN (livret scolaire unique numérique), et le mot-clé « LSUN » doit figurer dans l’objet du message.\n\n',
    'Pour que votre demande soit enregistrée, écrivez de nouveau à assistance1d@ac-dijon.fr en indiquant « LSUN » dans l’objet, par exemple : « LSUN – impossible d’éditer les livrets ». Précisez votre école (nom, commune ou UAI) et décrivez la difficulté rencontrée.\n\n',
    'Pour toute autre question, merci d’utiliser les canaux d’assistance habituels.\n\n',
    'Cette assistance LSUN est réservée aux directrices et directeurs d’école du premier degré. Votre adresse n’a pas été reconnue comme celle d’une directrice ou d’un directeur d’école dans notre annuaire.\n\n',
    'Si vous dirigez une école, écrivez de nouveau depuis votre adresse académique (@ac-dijon.fr) ou depuis la boîte fonctionnelle de l’école (ce.UAI@ac-dijon.fr, où UAI est le numéro de l’école).\n\n',
    'Pour toute autre demande, merci de passer par les canaux d’assistance habituels (portail PIA : pia.ac-dijon.fr).\n\n',
    'Votre message a toutefois été conservé : l’équipe d’assistance pourra décider de le prendre en charge.\n\n',
    'Votre message à l’assistance LSUN',
    // A director's request and a staff reply: greetings, the application's words, signatures.
    'Bonjour à toutes et à tous, Madame, Monsieur, Je vous remercie par avance de votre aide. ',
    'Je n’arrive pas à impossible de enseignant enseignante la classe de CP CE1 CE2 CM1 CM2 ',
    'les élèves l’élève les appréciations les bilans périodiques le livret scolaire de fin de cycle ',
    'la période le trimestre le semestre les compétences le socle ONDE l’application LSU message d’erreur ',
    'Pouvez-vous m’aider ? Merci de votre réponse. Bien cordialement, Directrice – Directeur – ',
    'École élémentaire École maternelle École primaire Groupe scolaire (UAI 0210 0580 0710 0890) Tél. 03 ',
    '\n\nBien cordialement,\n\n',
    'Re: LSUN – ',
    // The acknowledgment, met once per ticket, last.
    'Bonjour Monsieur ,\n\nBonjour Madame ',
    ',\n\nVotre demande d’assistance LSUN a bien été reçue. Elle est enregistrée sous le numéro LSUN-2026-0',
    '.\n\nObjet : LSUN – \nÉcoles reconnues :\n  - École : \nÉcole reconnue : École ',
    '\n\nEt maintenant ? Un agent de l’assistance va étudier votre demande et vous répondra par courriel.',
    '\n\nEn attendant, ces articles de la base de connaissances répondent peut-être déjà à votre question :\n- ',
    '\nSi l’un d’eux résout votre difficulté, dites-le-nous en répondant à ce message : votre demande sera close.',
    '\n\nPour compléter votre demande (précision, copie d’écran, pièce jointe), répondez simplement à ce message en conservant « [LSUN-2026-0',
    '] » dans l’objet : votre réponse sera ajoutée à cette demande. Pour une autre question, envoyez un nouveau message avec le mot « LSUN » dans l’objet.',
    '\n\nCe message a été envoyé automatiquement.\n\nCordialement,\n\nAssistance LSUN – Académie de Dijon\n',
  ].join(''),
  'utf8',
);

/** Deflates a text with the current format. */
export function packText(text: string): Uint8Array {
  const deflated = deflateRawSync(Buffer.from(text, 'utf8'), { level: 9, dictionary: DICTIONARY_1 });
  const packed = new Uint8Array(deflated.byteLength + 1);
  packed[0] = FORMAT_1;
  packed.set(deflated, 1);
  return packed;
}

/**
 * The text a packed value holds, whatever format it was written in.
 * @throws PackedTextError when the format byte is unknown or the bytes do not inflate
 */
export function unpackText(packed: Uint8Array): string {
  if (packed[0] !== FORMAT_1) throw new PackedTextError(`unknown format ${String(packed[0])}`);
  try {
    return inflateRawSync(packed.subarray(1), { dictionary: DICTIONARY_1 }).toString('utf8');
  } catch (error) {
    throw new PackedTextError('the bytes do not inflate', { cause: error });
  }
}

/** A stored packed value cannot be read: a bug of a writer, or a format this code predates. */
export class PackedTextError extends Error {
  override name = 'PackedTextError';
  constructor(reason: string, options?: ErrorOptions) {
    super(`Packed text unreadable: ${reason}`, options);
  }
}
