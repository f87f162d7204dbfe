/**
 * What the knowledge base's steps need from the outside world, handed in by the entry that runs
 * them (`functions/api.ts`, `functions/kb-export.ts`, the local stack's seeding) through
 * `shared/wiring/kb.ts`. Each port is the domain's, as narrow as the steps use it.
 */

import type { DirectoryState } from '#shared/domain/directory.ts';
import type { QueueProducer } from '#shared/domain/intake-ports.ts';
import type { ArticleStore, KbSite } from '#shared/domain/kb-ports.ts';
import type { KbExportRequest } from '#shared/domain/messages.ts';
import type { TicketReads } from '#shared/domain/staff-ports.ts';
import type { ArticleIndex } from '#shared/kb/search.ts';

/** Where a change that directors will read asks for the public pages to be written again. */
export type KbExportQueue = Pick<QueueProducer<KbExportRequest>, 'send'>;

/** The staff API's steps: articles, drafts from tickets, suggestions, the public search. */
export type KbDeps = {
  store: ArticleStore;
  exports: KbExportQueue;
  /** A ticket's conversation, for a draft or suggestions. */
  tickets: Pick<TicketReads, 'readTicket'>;
  /** Today's directory: the names of directors, schools and communes a draft must not keep. */
  directory: { current(): Promise<{ state: DirectoryState }> };
  /** The persisted public index (`kb/search-index.json`), reloaded when it changes. */
  publicIndex: { current(): Promise<ArticleIndex> };
  /** Where the public pages are read (`https://…`, no trailing slash). */
  publicBaseUrl: string;
  now: () => Date;
};

/** The export step's: published articles, the site it writes, what its pages say. */
export type KbExportDeps = {
  store: Pick<ArticleStore, 'published' | 'get' | 'publishedVersion'>;
  site: KbSite;
  publicBaseUrl: string;
  deskDisplayName: string;
  /** The address directors write to, named on the pages. */
  deskAddress: string;
  subjectKeyword: string;
  now: () => Date;
};

/** Seeding: creating and publishing, then one full export. */
export type KbSeedDeps = Pick<KbDeps, 'store' | 'exports' | 'now'>;
