/** French labels for the codes the API answers with. */
import type { TicketAction } from '#shared/api/contract.ts';

export const purposeLabel: Record<string, string> = {
  acknowledgment: 'Accusé de réception',
  staff_reply: 'Réponse de l’assistance',
  no_keyword: 'Réponse automatique : mot-clé LSUN absent',
  not_director: 'Réponse automatique : expéditeur non reconnu',
  quota_notice: 'Réponse automatique : quota journalier atteint',
};

export const sendStatusLabel: Record<'queued' | 'sent' | 'failed', string> = {
  queued: 'en file d’envoi',
  sent: 'envoyé',
  failed: 'échec de l’envoi',
};

export const actionLabel: Record<TicketAction, string> = {
  opened: 'Ticket ouvert',
  accepted: 'Courriel retenu accepté en ticket',
  reply: 'Réponse envoyée',
  status: 'Statut modifié',
  assign: 'Attribution modifiée',
  note: 'Note interne ajoutée',
};
