/**
 * Pushes a stream of mails into the desk over SMTP, as fast as it takes them (a few connections
 * kept open, each sending its next mail as soon as the previous one got its 250) or at a set
 * rate, and notes for each mail when it was accepted.
 *
 * The raw MIME is sent as composed in advance (see corpus.ts). The connections are those of
 * local/send-mail.ts — 127.0.0.2 passes the fixture's SPF for ac-dijon.fr, 127.0.0.1 fails it —
 * opened with nodemailer's pool directly, because the test mailer composes each mail itself.
 */
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import nodemailer, { type Transporter } from 'nodemailer';
import type { CorpusMail, CorpusWriter, OpenTicket, SourceAddress } from './corpus.ts';

/** One mail handed to the desk: what it was, its SES id, and when it was sent and accepted. */
export type SentMail = {
  mail: CorpusMail;
  sesMessageId: string;
  startedAt: number;
  acceptedAt: number;
};

/** The desk refused a mail, or the SMTP exchange failed, more times than the sender retries. */
export class SendFailedError extends Error {
  override name = 'SendFailedError';
}

const RETRIES = 3;

/** Hands one raw mail to the desk over SMTP and says when it was accepted. */
export type MailSender = { send(mail: CorpusMail, raw: Buffer): Promise<SentMail> };

/**
 * Hands `raw` to the desk through `transport` (a pool or one connection per mail) and reads the
 * SES message id from the 250; retries a temporary refusal a few times, as an MTA would. The
 * timing starts before the transport opens its connection, if it opens one.
 */
export async function sendOverSmtp(transport: Transporter, mail: CorpusMail, raw: Buffer): Promise<SentMail> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= RETRIES; attempt++) {
    const startedAt = performance.now();
    try {
      const info = await transport.sendMail({
        envelope: { from: mail.envelopeFrom || (false as unknown as string), to: [mail.to] },
        raw,
      });
      const acceptedAt = performance.now();
      const sesMessageId = /\bOk ([a-z0-9]{40})\b/.exec(String(info.response ?? ''))?.[1];
      if (!sesMessageId) throw new SendFailedError(`Réponse SMTP sans identifiant : ${info.response}`);
      return { mail, sesMessageId, startedAt, acceptedAt };
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
  throw new SendFailedError(`Envoi refusé après ${RETRIES} essais`, { cause: lastError });
}

/** SMTP connections from each source address, pooled and reused. */
export class SmtpSender implements MailSender {
  readonly #pools: Record<SourceAddress, Transporter>;

  constructor(port: number, connections: number) {
    const open = (localAddress: SourceAddress) =>
      nodemailer.createTransport({
        host: '127.0.0.1',
        port,
        secure: false,
        ignoreTLS: true,
        localAddress,
        name: 'smtp.ac-dijon.fr',
        pool: true,
        // Twice the stream's senders: a paced stream runs spare senders (see pushStream).
        maxConnections: connections * 2,
        maxMessages: Number.POSITIVE_INFINITY,
        connectionTimeout: 10_000,
      });
    this.#pools = { '127.0.0.2': open('127.0.0.2'), '127.0.0.1': open('127.0.0.1') };
  }

  /** Sends one raw mail; retries a temporary refusal (451) a few times, as an MTA would. */
  send(mail: CorpusMail, raw: Buffer): Promise<SentMail> {
    return sendOverSmtp(this.#pools[mail.source], mail, raw);
  }

  close(): void {
    for (const pool of Object.values(this.#pools)) pool.close();
  }
}

/** How a stream is pushed: concurrency, and an optional steady rate. */
export type StreamOptions = {
  connections: number;
  /** Mails per second to aim at; undefined sends as fast as the desk accepts. */
  rate?: number;
  /** Senders at work at once; by default `connections`, twice that for a paced stream. */
  workers?: number;
  /** Picks the ticket a follow-up answers; undefined while none is open yet. */
  ticketForFollowUp(): OpenTicket | undefined;
};

/**
 * Sends every mail of the stream with `connections` senders working in parallel. A follow-up
 * whose turn comes before any ticket is acknowledged is pushed back a little, not dropped.
 * Resolves with what was sent and what failed.
 */
export async function pushStream(
  sender: MailSender,
  writer: CorpusWriter,
  mails: readonly CorpusMail[],
  options: StreamOptions,
): Promise<{ sent: SentMail[]; failed: Array<{ mail: CorpusMail; error: unknown }> }> {
  const queue = [...mails];
  const sent: SentMail[] = [];
  const failed: Array<{ mail: CorpusMail; error: unknown }> = [];
  const start = performance.now();
  let started = 0;

  const worker = async () => {
    for (;;) {
      const mail = queue.shift();
      if (mail === undefined) return;
      let toSend = mail;
      let raw: Buffer;
      if (mail.kind === 'follow_up' && mail.file === undefined) {
        const ticket = options.ticketForFollowUp();
        if (!ticket) {
          // Nothing to follow up yet: later in the stream, or after a short wait if it is the last.
          if (queue.length > 0) queue.splice(Math.min(queue.length, options.connections * 4), 0, mail);
          else {
            queue.push(mail);
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          continue;
        }
        const composed = await writer.composeFollowUp(ticket, mail.withAttachment);
        toSend = composed.mail;
        raw = composed.raw;
      } else {
        raw = await readFile(mail.file as string);
      }
      if (options.rate !== undefined) {
        const due = start + (started * 1000) / options.rate;
        started++;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      try {
        sent.push(await sender.send(toSend, raw));
      } catch (error) {
        failed.push({ mail: toSend, error });
      }
    }
  };
  // Paced streams need a few spare senders so that one slow SMTP exchange does not hold the pace back.
  const workers =
    options.workers ?? (options.rate === undefined ? options.connections : options.connections * 2);
  await Promise.all(Array.from({ length: workers }, worker));
  return { sent, failed };
}
