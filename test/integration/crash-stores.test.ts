/**
 * fauxqs's queues and objects, and the SES stand-in's sent mails, on a data folder: what a
 * stand-in answered is on disk and comes back when it starts again on the same folder, as AWS
 * keeps it (issue 11). Without a data folder, nothing is written.
 */
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  freePorts,
  type LocalClients,
  makeLocalClients,
  type RunningEmulator,
  startFauxqs,
  startSesLocal,
} from '#local/emulators.ts';

let dataDir: string;
let running: RunningEmulator[] = [];
let clients: LocalClients[] = [];

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'lsun-durable-'));
});

afterEach(async () => {
  for (const set of clients) for (const client of Object.values(set)) client.destroy();
  for (const emulator of running) await emulator.stop();
  running = [];
  clients = [];
  rmSync(dataDir, { recursive: true, force: true });
});

/** fauxqs on `dir` (or in memory), and clients to it. */
async function fauxqsOn(dir: string | undefined): Promise<LocalClients> {
  const [port = 0] = await freePorts(1);
  const fauxqs = await startFauxqs({ port, ...(dir === undefined ? {} : { dataDir: dir }) });
  running.push(fauxqs);
  const set = makeLocalClients({
    dynamodb: fauxqs.endpoint,
    sqs: fauxqs.endpoint,
    s3: fauxqs.endpoint,
    ses: '',
  });
  clients.push(set);
  return set;
}

/** Stops the last stand-in started, as a restart does. */
async function stopLast(): Promise<void> {
  const last = running.pop();
  for (const client of Object.values(clients.pop() ?? {})) client.destroy();
  await last?.stop();
}

async function queueUrl(sqs: LocalClients['sqs'], name: string): Promise<string> {
  return (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl ?? '';
}

describe('fauxqs on a data folder', () => {
  it('gives back after a restart the messages sent and not deleted, those in flight included', async () => {
    // Prepare
    const dir = path.join(dataDir, 'fauxqs');
    const { sqs } = await fauxqsOn(dir);
    const url = await queueUrl(sqs, 'intake');
    for (const body of ['a', 'b', 'c'])
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 2, VisibilityTimeout: 600 }),
    );
    // One done (deleted), one in flight when the stand-in stops.
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: Messages[0]?.ReceiptHandle }));

    // Act
    await stopLast();
    const again = (await fauxqsOn(dir)).sqs;
    const restartedUrl = await queueUrl(again, 'intake');
    const received = await again.send(
      new ReceiveMessageCommand({ QueueUrl: restartedUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );

    // Assess
    expect((received.Messages ?? []).map((message) => message.Body).sort()).toEqual(
      ['a', 'b', 'c'].filter((body) => body !== Messages[0]?.Body).sort(),
    );
  });

  it('keeps a delayed message delayed after a restart', async () => {
    // Prepare
    const dir = path.join(dataDir, 'fauxqs');
    const { sqs } = await fauxqsOn(dir);
    const url = await queueUrl(sqs, 'broadcast');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 600 }));

    // Act
    await stopLast();
    const again = (await fauxqsOn(dir)).sqs;
    const { Attributes = {} } = await again.send(
      new GetQueueAttributesCommand({
        QueueUrl: await queueUrl(again, 'broadcast'),
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );

    // Assess
    expect(Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesDelayed: '1',
    });
  });

  it('skips a line torn by a crash in the middle of its write', async () => {
    // Prepare: a SendMessage cut short leaves half a line, never answered.
    const dir = path.join(dataDir, 'fauxqs');
    const { sqs } = await fauxqsOn(dir);
    const url = await queueUrl(sqs, 'intake');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'whole' }));
    await stopLast();
    appendFileSync(path.join(dir, 'sqs', 'queues.jsonl'), '{"op":"put","queue":"intake","mess');

    // Act
    const again = (await fauxqsOn(dir)).sqs;
    const received = await again.send(
      new ReceiveMessageCommand({ QueueUrl: await queueUrl(again, 'intake'), MaxNumberOfMessages: 10 }),
    );

    // Assess
    expect((received.Messages ?? []).map((message) => message.Body)).toEqual(['whole']);
  });

  it('keeps objects and their deletion across a restart', async () => {
    // Prepare
    const dir = path.join(dataDir, 'fauxqs');
    const { s3 } = await fauxqsOn(dir);
    await s3.send(new CreateBucketCommand({ Bucket: 'raw' }));
    const raw = Buffer.from('From: a@ac-dijon.fr\r\n\r\nBonjour\r\n');
    await s3.send(new PutObjectCommand({ Bucket: 'raw', Key: 'incoming/abc', Body: raw }));
    await s3.send(
      new PutObjectCommand({
        Bucket: 'raw',
        Key: 'kb/index.html',
        Body: '<p>x</p>',
        ContentType: 'text/html',
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: 'raw', Key: 'kb/gone.html', Body: 'y' }));
    const { DeleteObjectCommand } = await import('@aws-sdk/client-s3');
    await s3.send(new DeleteObjectCommand({ Bucket: 'raw', Key: 'kb/gone.html' }));

    // Act
    await stopLast();
    const again = (await fauxqsOn(dir)).s3;
    const mail = await again.send(new GetObjectCommand({ Bucket: 'raw', Key: 'incoming/abc' }));
    const page = await again.send(new GetObjectCommand({ Bucket: 'raw', Key: 'kb/index.html' }));
    const listed = await again.send(new ListObjectsV2Command({ Bucket: 'raw' }));

    // Assess
    expect(Buffer.from((await mail.Body?.transformToByteArray()) ?? [])).toEqual(raw);
    expect(page.ContentType).toBe('text/html');
    expect((listed.Contents ?? []).map((object) => object.Key).sort()).toEqual([
      'incoming/abc',
      'kb/index.html',
    ]);
  });

  it('serves an object from its file rather than from a copy kept in memory', async () => {
    // Prepare: an object stored, then its file changed behind fauxqs's back.
    const dir = path.join(dataDir, 'fauxqs');
    const { s3 } = await fauxqsOn(dir);
    await s3.send(new CreateBucketCommand({ Bucket: 'raw' }));
    await s3.send(new PutObjectCommand({ Bucket: 'raw', Key: 'incoming/abc', Body: 'avant' }));
    const file = path.join(dir, 's3', 'raw', 'incoming%2Fabc');
    const header = readFileSync(file, 'utf8').split('\n')[0];
    writeFileSync(file, `${header}\naprès`);

    // Act
    const got = await s3.send(new GetObjectCommand({ Bucket: 'raw', Key: 'incoming/abc' }));

    // Assess
    expect(await got.Body?.transformToString()).toBe('après');
  });

  it('writes nothing without a data folder', async () => {
    // Prepare
    const { sqs, s3 } = await fauxqsOn(undefined);

    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl: await queueUrl(sqs, 'intake'), MessageBody: 'x' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'raw' }));
    await s3.send(new PutObjectCommand({ Bucket: 'raw', Key: 'incoming/x', Body: 'x' }));

    // Assess
    expect(readdirSync(dataDir)).toEqual([]);
  });
});

describe('the SES stand-in on a data folder', () => {
  it('lists after a restart the mails sent before it', async () => {
    // Prepare
    const dir = path.join(dataDir, 'ses');
    const [port = 0] = await freePorts(1);
    let ses = await startSesLocal({ port, dataDir: dir });
    const { ses: client } = makeLocalClients({ dynamodb: '', sqs: '', s3: '', ses: ses.endpoint });
    await client.send(
      new SendEmailCommand({
        FromEmailAddress: 'assistance1d@ac-dijon.fr',
        Destination: { ToAddresses: ['camille.martin@ac-dijon.fr'] },
        Content: {
          Simple: {
            Subject: { Data: '[LSUN-2026-00001] Accusé de réception' },
            Body: { Text: { Data: 'Bonjour' } },
            Headers: [{ Name: 'In-Reply-To', Value: '<demande@ac-dijon.fr>' }],
          },
        },
      }),
    );
    client.destroy();

    // Act: stopped, its memory emptied as a new process would have it (the store is one per
    // process: an in-memory stand-in's clear-store empties it), then started on its folder.
    await ses.stop();
    const inMemory = await startSesLocal({ port });
    await fetch(`${inMemory.endpoint}/clear-store`, { method: 'POST' });
    await inMemory.stop();
    ses = await startSesLocal({ port, dataDir: dir });
    const { emails } = (await (await fetch(`${ses.endpoint}/store`)).json()) as {
      emails: Array<{
        subject: string;
        headers?: Array<{ name: string; value: string }>;
        body?: { text?: string };
      }>;
    };
    await ses.stop();

    // Assess: once, with its headers (the campaign counts acknowledgments by In-Reply-To).
    const mine = emails.filter((mail) => mail.subject === '[LSUN-2026-00001] Accusé de réception');
    expect(mine).toHaveLength(1);
    expect(mine[0]?.headers).toContainEqual({ name: 'In-Reply-To', value: '<demande@ac-dijon.fr>' });
    // Its body, kept in the journal only, is read back from it.
    expect(mine[0]?.body?.text).toBe('Bonjour');
  });
});
