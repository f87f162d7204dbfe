/**
 * What « Créer un article » on a ticket answered beyond the draft itself: how many of each kind
 * of personal data were replaced, and the words to check. The editor opens on the new draft and
 * shows them; they are kept here, in memory, for that one opening (like the session, nothing of
 * a ticket goes to the browser's storage). The placeholders themselves stay in the texts, so the
 * editor highlights them at any later opening too.
 */
import type { ArticleFromTicket } from '#shared/api/kb-contract.ts';
import type { RedactionCount } from '#shared/domain/article.ts';
import { formatCount } from '../../format.ts';
import { redactionKindLabel } from '../../labels.ts';

export type DraftFromTicket = Pick<ArticleFromTicket, 'redactions' | 'flags' | 'sourceTicket'>;

const drafts = new Map<string, DraftFromTicket>();

/** Keeps what the draft `answer` came with, for the editor about to open it. */
export function rememberDraftFromTicket(answer: ArticleFromTicket): void {
  drafts.set(answer.id, {
    redactions: answer.redactions,
    flags: answer.flags,
    sourceTicket: answer.sourceTicket,
  });
}

/** What the draft `id` came with, if it was just made from a ticket in this tab. */
export function draftFromTicket(id: string): DraftFromTicket | undefined {
  return drafts.get(id);
}

/** Forgets it once the draft is saved: the placeholders left are in its texts. */
export function forgetDraftFromTicket(id: string): void {
  drafts.delete(id);
}

/** « 2 adresses électroniques, 1 UAI, 3 noms ». */
export function redactionSummary(redactions: readonly RedactionCount[]): string {
  return redactions
    .map(({ kind, count }) => {
      const [one, many] = redactionKindLabel[kind];
      return `${formatCount(count)} ${count > 1 ? many : one}`;
    })
    .join(', ');
}
