/**
 * Pushes a hostile corpus through a running local desk over SMTP (from 127.0.0.2, as a director's
 * server would), then checks that every mail the desk accepted ended in an intake entry. Shared by
 * the hostile end-to-end test and `npm run bench -- hostile`, so both count the same way.
 *
 * Only what a mail became is kept (its index, kinds, SES id, outcome), never its bytes: a corpus of
 * 10,000 mails, some of 30 MB, streams through without piling up.
 */
import { BatchGetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import nodemailer from 'nodemailer';
import { makeLocalClients } from '#local/emulators.ts';
import type { RunningDesk } from '#local/stack.ts';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { keys } from '#shared/adapters/keys.ts';
import type { HostileMail } from './hostile-corpus.ts';

/** What became of one mail. */
export type HostileFate = {
  index: number;
  kinds: string[];
  bytes: number;
  /** The SES id the desk's 250 named; absent when SMTP refused the mail. */
  sesMessageId?: string;
  /** The SMTP refusal: its code and text. */
  refused?: { code: number; text: string };
  outcome?: string;
  detail?: string;
};

export type HostileRun = {
  fates: HostileFate[];
  /** Mails whose SMTP exchange failed without a reply (connection lost, timeout). */
  sendErrors: Array<{ index: number; kinds: string[]; error: string }>;
  /** Errors nobody caught while the run lasted: each would have crashed a Lambda or the desk. */
  uncaught: string[];
};

type SmtpError = Error & { responseCode?: number; response?: string };

/** Temporary refusals (451) are retried, as an MTA would; a mail still refused after these counts as refused. */
const ATTEMPTS = 3;

/**
 * Sends every mail of `mails` with `connections` SMTP connections in parallel, then waits until
 * each accepted mail has its intake entry, or until none has come for `stallMs`.
 */
export async function runHostileCorpus(
  desk: RunningDesk,
  mails: Iterable<HostileMail>,
  options: { connections?: number; stallMs?: number; onSent?: (count: number) => void } = {},
): Promise<HostileRun> {
  const uncaught: string[] = [];
  const onUncaught = (error: unknown) => {
    uncaught.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  };
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: desk.smtpPort,
    secure: false,
    ignoreTLS: true,
    localAddress: '127.0.0.2',
    name: 'smtp.ac-dijon.fr',
    pool: true,
    maxConnections: options.connections ?? 4,
    maxMessages: Number.POSITIVE_INFINITY,
    connectionTimeout: 10_000,
    socketTimeout: 120_000,
  });
  const fates: HostileFate[] = [];
  const sendErrors: HostileRun['sendErrors'] = [];
  try {
    const iterator = mails[Symbol.iterator]();
    const worker = async () => {
      for (let next = iterator.next(); !next.done; next = iterator.next()) {
        const mail = next.value;
        const fate: HostileFate = { index: mail.index, kinds: [...mail.kinds], bytes: mail.raw.length };
        let failure: string | undefined;
        for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
          try {
            const info = await transport.sendMail({
              envelope: { from: mail.envelopeFrom, to: [mail.to] },
              raw: mail.raw,
            });
            fate.sesMessageId = /\bOk ([a-z0-9]{40})\b/.exec(String(info.response ?? ''))?.[1];
            fate.refused = undefined;
            failure = fate.sesMessageId ? undefined : `250 sans identifiant : ${info.response}`;
            break;
          } catch (error) {
            const smtp = error as SmtpError;
            if (smtp.responseCode !== undefined) {
              fate.refused = { code: smtp.responseCode, text: String(smtp.response ?? smtp.message) };
              failure = undefined;
              if (smtp.responseCode !== 451) break;
            } else {
              failure = smtp.message;
            }
            await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
          }
        }
        if (failure) sendErrors.push({ index: mail.index, kinds: fate.kinds, error: failure });
        fates.push(fate);
        options.onSent?.(fates.length);
      }
    };
    await Promise.all(Array.from({ length: options.connections ?? 4 }, worker));
    await waitForOutcomes(desk, fates, options.stallMs ?? 30_000);
  } finally {
    transport.close();
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
  }
  fates.sort((a, b) => a.index - b.index);
  return { fates, sendErrors, uncaught };
}

/** Reads the intake entries of the accepted mails (100 a request) until all are there or none comes. */
async function waitForOutcomes(desk: RunningDesk, fates: HostileFate[], stallMs: number): Promise<void> {
  const clients = makeLocalClients(desk.endpoints);
  const db = documentClient(clients.dynamodb);
  try {
    let waiting = fates.filter((fate) => fate.sesMessageId !== undefined);
    let lastProgress = performance.now();
    while (waiting.length > 0 && performance.now() - lastProgress < stallMs) {
      const before = waiting.length;
      for (let start = 0; start < waiting.length; start += 100) {
        const chunk = waiting.slice(start, start + 100);
        const bySes = new Map(chunk.map((fate) => [fate.sesMessageId as string, fate]));
        let requested: Array<Record<string, unknown>> | undefined = chunk.map((fate) =>
          keys.intakeEntry(fate.sesMessageId as string),
        );
        while (requested && requested.length > 0) {
          const answer: BatchGetCommandOutput = await db.send(
            new BatchGetCommand({
              RequestItems: {
                [desk.resources.tableName]: {
                  Keys: requested,
                  ProjectionExpression: 'sesMessageId, outcome, detail',
                },
              },
            }),
          );
          for (const item of answer.Responses?.[desk.resources.tableName] ?? []) {
            const fate = bySes.get(String(item.sesMessageId));
            if (fate) {
              fate.outcome = String(item.outcome);
              fate.detail = item.detail === undefined ? undefined : String(item.detail);
            }
          }
          requested = answer.UnprocessedKeys?.[desk.resources.tableName]?.Keys;
        }
      }
      waiting = waiting.filter((fate) => fate.outcome === undefined);
      if (waiting.length < before) lastProgress = performance.now();
      if (waiting.length > 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    for (const client of Object.values(clients)) client.destroy();
  }
}

/** The run in figures: what the bench prints and the test asserts. */
export function summarise(run: HostileRun) {
  const outcomes: Record<string, number> = {};
  const refusals: Record<string, number> = {};
  for (const fate of run.fates) {
    if (fate.outcome) outcomes[fate.outcome] = (outcomes[fate.outcome] ?? 0) + 1;
    if (fate.refused) refusals[String(fate.refused.code)] = (refusals[String(fate.refused.code)] ?? 0) + 1;
  }
  const withoutOutcome = run.fates.filter(
    (fate) => fate.sesMessageId !== undefined && fate.outcome === undefined,
  );
  return {
    mails: run.fates.length,
    accepted: run.fates.filter((fate) => fate.sesMessageId !== undefined).length,
    outcomes,
    refusals,
    withoutOutcome,
    sendErrors: run.sendErrors,
    uncaught: run.uncaught,
  };
}
