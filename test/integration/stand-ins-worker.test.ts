/**
 * fauxqs, the SES stand-in and the SMTP stand-in for SES receiving run on a worker thread of the
 * desk's process (local/stand-ins-worker.ts): the desk reaches them as before, learns of each mail
 * the SES stand-in stores, gets each received mail's SES event (the sender's 250 waits for the
 * desk's answer), the thread ends at the desk's word, and a mail whose desk is killed before it
 * answered is never answered 250.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { freePorts, makeLocalClients } from '#local/emulators.ts';
import { sendTestMail } from '#local/send-mail.ts';
import { type RunningStandIns, type SentMailNotice, startStandInsWorker } from '#local/stand-ins-worker.ts';
import type { SesReceiptEvent } from '#shared/adapters/ses-event.ts';
import { eventually } from '#test/support/stack.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Runs `script` (an ES module, with the project's aliases) in a Node process that plays the desk, its stdout collected. */
function spawnDesk(script: string) {
  const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  parent.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  return { parent, output: () => out };
}
let running: RunningStandIns | undefined;

afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/** A director's request over SMTP, sent from the address the local DNS fixture lets pass SPF. */
const BULLETIN = {
  from: 'ce.0211234c@ac-dijon.fr',
  to: 'assistance1d@ac-dijon.fr',
  subject: 'LSUN bulletin',
  text: 'Bonjour',
  sourceAddress: '127.0.0.2',
};

/** Starts the stand-ins (stopped after the test) with the raw mail bucket and the SMTP stand-in handing events to `deliver`. */
async function startWithSmtp(deliver: (event: SesReceiptEvent) => Promise<void>) {
  const [sqsPort = 0, sesPort = 0] = await freePorts(2);
  running = await startStandInsWorker({ sqsPort, sesPort, dataDir: undefined });
  const clients = makeLocalClients({ dynamodb: '', sqs: running.sqs, s3: running.sqs, ses: running.ses });
  await clients.s3.send(new CreateBucketCommand({ Bucket: 'raw' }));
  const smtp = await running.startSmtp(
    { port: 0, bucket: 'raw', keyPrefix: 'incoming/', deskAddresses: ['assistance1d@ac-dijon.fr'] },
    deliver,
  );
  return { clients, smtp };
}

describe('the stand-ins on their own thread', () => {
  it('answers SQS, S3 and SES, and tells the desk of each mail the SES stand-in stores', async () => {
    // Prepare
    const [sqsPort = 0, sesPort = 0] = await freePorts(2);
    running = await startStandInsWorker({ sqsPort, sesPort, dataDir: undefined });
    const clients = makeLocalClients({ dynamodb: '', sqs: running.sqs, s3: running.sqs, ses: running.ses });
    const told: SentMailNotice[] = [];
    running.onSentMail((mail) => told.push(mail));

    // Act
    const queue = await clients.sqs.send(new CreateQueueCommand({ QueueName: 'intake' }));
    await clients.s3.send(new CreateBucketCommand({ Bucket: 'raw' }));
    await clients.s3.send(new PutObjectCommand({ Bucket: 'raw', Key: 'incoming/a', Body: 'x' }));
    await clients.ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'assistance1d@ac-dijon.fr',
        Destination: { ToAddresses: ['camille.martin@ac-dijon.fr'] },
        Content: {
          Simple: {
            Subject: { Data: '[LSUN-2026-00001] Accusé de réception' },
            Body: { Text: { Data: 'Bonjour' } },
            Headers: [{ Name: 'X-Assistance-LSUN', Value: 'ses1.ack' }],
          },
        },
      }),
    );
    await eventually(async () => told.length > 0, 'the notice of the mail sent');
    for (const client of Object.values(clients)) client.destroy();

    // Assess
    expect(queue.QueueUrl).toBe(`${running.sqs}/000000000000/intake`);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({
      to: ['camille.martin@ac-dijon.fr'],
      subject: '[LSUN-2026-00001] Accusé de réception',
      stored: 1,
    });
    expect(told[0]?.headers).toContainEqual({ name: 'X-Assistance-LSUN', value: 'ses1.ack' });
  }, 60_000);

  it('stops listening once stopped', async () => {
    // Prepare
    const [sqsPort = 0, sesPort = 0] = await freePorts(2);
    const standIns = await startStandInsWorker({ sqsPort, sesPort, dataDir: undefined });
    const before = await fetch(`${standIns.ses}/store`);

    // Act
    await standIns.stop();

    // Assess
    expect(before.status).toBe(200);
    await expect(fetch(`${standIns.ses}/store`)).rejects.toThrow();
    await expect(fetch(`${standIns.sqs}/`)).rejects.toThrow();
  }, 60_000);

  it('receives a mail over SMTP, stores it and answers 250 once the desk took its event', async () => {
    // Prepare
    const delivered: SesReceiptEvent[] = [];
    const { clients, smtp } = await startWithSmtp(async (event) => {
      delivered.push(event);
    });

    // Act
    const sent = await sendTestMail({ port: smtp.port, ...BULLETIN });
    const stored = await clients.s3.send(
      new GetObjectCommand({ Bucket: 'raw', Key: `incoming/${sent.sesMessageId}` }),
    );
    const raw = await stored.Body?.transformToString();
    await smtp.stop();
    for (const client of Object.values(clients)) client.destroy();

    // Assess
    expect(sent.response).toMatch(/^250 /);
    expect(delivered.map((event) => event.Records[0]?.ses.mail.messageId)).toEqual([sent.sesMessageId]);
    expect(delivered[0]?.Records[0]?.ses.receipt.spfVerdict.status).toBe('PASS');
    expect(raw).toContain('Subject: LSUN bulletin');
    expect(raw).toMatch(/^Return-Path: /);
  }, 60_000);

  it('answers 451 when the desk could not take the event, so that the sender retries', async () => {
    // Prepare
    const { clients, smtp } = await startWithSmtp(async () => {
      throw new Error('SQS indisponible');
    });
    for (const client of Object.values(clients)) client.destroy();

    // Act
    const refusal = await sendTestMail({ port: smtp.port, ...BULLETIN }).then(
      () => undefined,
      (error: Error & { responseCode?: number }) => error,
    );
    await smtp.stop();

    // Assess
    expect(refusal?.responseCode).toBe(451);
  }, 60_000);

  it('never answers 250 to a mail waiting for the desk when the desk is killed, and stops listening', async () => {
    // Prepare: a desk that starts the stand-ins and SMTP, and never answers a delivery.
    const [sqsPort = 0, sesPort = 0] = await freePorts(2);
    const script = `
      const { startStandInsWorker } = await import('#local/stand-ins-worker.ts');
      const { makeLocalClients } = await import('#local/emulators.ts');
      const { CreateBucketCommand } = await import('@aws-sdk/client-s3');
      const s = await startStandInsWorker(${JSON.stringify({ sqsPort, sesPort })});
      const clients = makeLocalClients({ dynamodb: '', sqs: s.sqs, s3: s.sqs, ses: s.ses });
      await clients.s3.send(new CreateBucketCommand({ Bucket: 'raw' }));
      const smtp = await s.startSmtp(
        { port: 0, bucket: 'raw', keyPrefix: 'incoming/', deskAddresses: ['assistance1d@ac-dijon.fr'] },
        () => { console.log('DELIVERING'); return new Promise(() => {}); },
      );
      console.log('SMTP', smtp.port);`;
    const { parent, output } = spawnDesk(script);
    try {
      const port = Number(
        (
          await eventually(
            async () => /SMTP (\d+)/.exec(output()) ?? undefined,
            'the stand-ins and SMTP to start',
            {
              attempts: 600,
              intervalMs: 100,
            },
          )
        )[1],
      );
      const sending = sendTestMail({ port, ...BULLETIN }).then(
        (sent) => sent.response,
        (error: Error & { responseCode?: number }) => error,
      );
      await eventually(async () => output().includes('DELIVERING'), 'the event to reach the desk', {
        attempts: 200,
        intervalMs: 50,
      });

      // Act
      parent.kill('SIGKILL');

      // Assess: the session is cut before any answer to the data, which a sender retries;
      // nothing listens any more.
      const outcome = await sending;
      expect(outcome).toBeInstanceOf(Error);
      expect((outcome as Error & { responseCode?: number }).responseCode).toBeUndefined();
      await expect(sendTestMail({ port, ...BULLETIN })).rejects.toThrow();
    } finally {
      if (parent.exitCode === null && parent.signalCode === null) parent.kill('SIGKILL');
    }
  }, 90_000);
});
