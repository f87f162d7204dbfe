/**
 * The benchmark's streams of mails, in the order they are pushed: a warm-up, the mixed stream
 * at full speed, the same mix at a set rate (latency), then one phase per outcome so that the
 * requests counted during a phase belong to that outcome alone.
 */
import type { Outcome } from '#shared/domain/outcome.ts';
import { type CorpusMail, type CorpusWriter, distribute } from './corpus.ts';

/** Mails of one outcome, sent alone; `warmUp` is sent first and not counted (a counter to fill). */
export type Phase = { label: string; outcome: Outcome; mails: CorpusMail[]; warmUp?: CorpusMail[] };

/** What the benchmark sends, stream by stream. */
export type CorpusPlan = { warmUp: CorpusMail[]; main: CorpusMail[]; paced: CorpusMail[]; phases: Phase[] };

/** The smallest mix that still holds every kind of mail. */
const MIN_MIX = 60;

/** Composes every stream of the run (written to disk; follow-ups are composed when sent). */
export async function planCorpus(
  writer: CorpusWriter,
  sizes: { mails: number; pacedMails: number; phaseMails: number; cap: number },
): Promise<CorpusPlan> {
  const { cap } = sizes;
  const warmUp = await writer.only('new_request', Math.min(30, Math.round(sizes.mails / 10)));
  const main = await writer.mix(sizes.mails, cap);
  const paced = sizes.pacedMails >= MIN_MIX ? await writer.mix(sizes.pacedMails, cap) : [];
  const k = sizes.phaseMails;
  const phases: Phase[] = [];
  if (k > 0) {
    const accepted = await writer.only('new_request', k);
    phases.push({ label: 'ticket_created (nouvelle demande)', outcome: 'ticket_created', mails: accepted });
    phases.push({
      label: 'follow_up (réponse avec l’étiquette)',
      outcome: 'follow_up',
      mails: await writer.only('follow_up', k),
    });
    phases.push({
      label: 'duplicate (même Message-ID renvoyé)',
      outcome: 'duplicate',
      // The accepted phase's mails, sent again as they were.
      mails: accepted.map((mail) => ({ ...mail, kind: 'duplicate', expected: 'duplicate' })),
    });
    for (const [kind, label] of [
      ['auto_reply', 'auto_reply (absence, bounce, liste)'],
      ['spam_or_virus', 'spam_or_virus (GTUBE, EICAR)'],
      ['not_authenticated', 'not_authenticated (usurpation, DMARC)'],
      ['not_academic', 'not_academic (sous-domaine signé)'],
      ['no_keyword', 'no_keyword (réponse envoyée)'],
      ['not_director', 'not_director (réponse envoyée)'],
    ] as const) {
      phases.push({ label, outcome: kind, mails: await writer.only(kind, k) });
    }
    // Directors who already sent their `cap` requests of the day, then send `k` more between them.
    const warm: CorpusMail[] = [];
    const over: CorpusMail[] = [];
    for (const extra of distribute(k, Math.ceil(k / cap))) {
      const burst = await writer.bursts(1, cap, extra);
      warm.push(...burst.warmUp);
      over.push(...burst.over);
    }
    phases.push({
      label: `rate_limited (au-delà de ${cap} par jour)`,
      outcome: 'rate_limited',
      mails: over,
      warmUp: warm,
    });
  }
  return { warmUp, main, paced, phases };
}
