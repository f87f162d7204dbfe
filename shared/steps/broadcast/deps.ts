/** What the broadcasts' steps need from the outside world, handed in by the entry that runs them. */
import type { BroadcastStore, BulkSender } from '#shared/domain/broadcast-ports.ts';
import type { DirectoryState } from '#shared/domain/directory.ts';
import type { QueueProducer } from '#shared/domain/intake-ports.ts';
import type { BroadcastChunk } from '#shared/domain/messages.ts';

export type BroadcastDeps = {
  store: BroadcastStore;
  /** Today's directory: who a draft reaches, and who is frozen when sending starts. */
  directory: { current(): Promise<{ state: DirectoryState }> };
  chunks: Pick<QueueProducer<BroadcastChunk>, 'send' | 'sendAll'>;
  sender: BulkSender;
  config: {
    /** The desk address the mails come from and replies go to. */
    deskAddress: string;
    deskDisplayName: string;
    /** Share of the account's send rate broadcasts may use (0.5). */
    rateShare: number;
    /** How long a claim may stay `sending` before it counts as a dead worker's (default 600 s). */
    sendingLeaseSeconds?: number;
    /** How long a throttled chunk waits before it is tried again (default 60 s). */
    throttleDelaySeconds?: number;
    /** Workers sending chunks at once, which share the rate (default: the pipeline's). */
    workers?: number;
  };
  now: () => Date;
  newId: () => string;
  /** Waits between chunks (pacing); tests hand in one that does not wait. Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
};
