/** French labels for the codes the API answers with. */
import type { TicketAction } from '#shared/api/contract.ts';
import type {
  ArticleField,
  ArticleHistoryEntry,
  ArticleStatus,
  ArticleVisibility,
  RedactionFlag,
  RedactionKind,
} from '#shared/domain/article.ts';
import type { SendStatus } from '#shared/domain/records.ts';

export const purposeLabel: Record<string, string> = {
  acknowledgment: 'Accusé de réception',
  staff_reply: 'Réponse de l’assistance',
  no_keyword: 'Réponse automatique : mot-clé LSUN absent',
  not_director: 'Réponse automatique : expéditeur non reconnu',
  quota_notice: 'Réponse automatique : quota journalier atteint',
  auto_close_notice: 'Réponse automatique : demande clôturée sans réponse',
  notify_assigned: 'Notification : ticket attribué',
  notify_follow_up: 'Notification : relance du directeur',
};

/** How far an outgoing mail got (`SendStatus`); `failed` and `unknown` come with their reason. */
export const sendStatusLabel: Record<SendStatus, string> = {
  queued: 'en file d’envoi',
  sending: 'envoi en cours',
  sent: 'envoyé',
  failed: 'échec de l’envoi',
  unknown: 'envoi incertain',
};

export const actionLabel: Record<TicketAction, string> = {
  opened: 'Ticket ouvert',
  accepted: 'Courriel retenu accepté en ticket',
  reply: 'Réponse envoyée',
  status: 'Statut modifié',
  assign: 'Attribution modifiée',
  note: 'Note interne ajoutée',
  merge: 'Tickets fusionnés',
  auto_close: 'Clôturé automatiquement',
  download: 'Fichier téléchargé',
};

/** The knowledge base's codes, as the console says them. */
export const articleStatusLabel: Record<ArticleStatus, string> = {
  draft: 'Brouillon',
  review: 'À relire',
  published: 'Publié',
  archived: 'Archivé',
};

export const articleVisibilityLabel: Record<ArticleVisibility, string> = {
  internal: 'Interne (personnel)',
  public: 'Publique (directeurs et PANDA)',
};

export const articleActionLabel: Record<ArticleHistoryEntry['action'], string> = {
  created: 'Article créé',
  edited: 'Article modifié',
  submitted: 'Soumis à la relecture',
  published: 'Publié',
  archived: 'Archivé',
};

export const articleFieldLabel: Record<ArticleField, string> = {
  title: 'titre',
  symptom: 'symptôme',
  cause: 'cause',
  solution: 'solution',
  tags: 'étiquettes',
  application: 'application',
  visibility: 'visibilité',
};

/** What a draft made from a ticket replaced, singular and plural (« 1 UAI », « 3 noms »). */
export const redactionKindLabel: Record<RedactionKind, [one: string, many: string]> = {
  email: ['adresse électronique', 'adresses électroniques'],
  phone: ['numéro de téléphone', 'numéros de téléphone'],
  uai: ['UAI', 'UAI'],
  ine: ['INE', 'INE'],
  ticket: ['numéro de ticket', 'numéros de ticket'],
  person: ['nom', 'noms'],
  school: ['nom d’école', 'noms d’école'],
  commune: ['commune', 'communes'],
};

/** The field a redaction flag points at. */
export const redactionFieldLabel: Record<RedactionFlag['field'], string> = {
  title: 'le titre',
  symptom: 'le symptôme',
  solution: 'la solution',
};
