import * as z from './zod.ts';

/**
 * What became of a received mail. The codes are a public contract of the API: the console,
 * exports and alerts key on them. Listed in the order the checks run.
 */
export const Outcome = z.enum([
  'duplicate',
  'auto_reply',
  'spam_or_virus',
  'not_authenticated',
  'not_academic',
  'follow_up',
  'rate_limited',
  'no_keyword',
  'not_director',
  'ticket_created',
]);
export type Outcome = z.infer<typeof Outcome>;

/** French labels for people reading the intake log. */
export const outcomeLabel: Record<Outcome, string> = {
  duplicate: 'Doublon (courriel déjà reçu)',
  auto_reply: 'Réponse automatique',
  spam_or_virus: 'Spam ou virus',
  not_authenticated: 'Expéditeur non authentifié',
  not_academic: 'Adresse non académique',
  follow_up: 'Suite d’un ticket',
  rate_limited: 'Activité anormale (quota journalier atteint)',
  no_keyword: 'Mot-clé LSUN absent du sujet',
  not_director: 'Expéditeur non reconnu comme directeur',
  ticket_created: 'Ticket créé',
};
