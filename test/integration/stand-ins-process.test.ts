/**
 * fauxqs and the SES stand-in run in a process of their own (local/stand-ins-process.ts): the
 * desk reaches them as before, learns of each mail the SES stand-in stores, and the process
 * never outlives the one that started it, even killed with SIGKILL.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { freePorts, makeLocalClients } from '#local/emulators.ts';
import { alive } from '#local/processes.ts';
import { type RunningStandIns, type SentMailNotice, startStandInsProcess } from '#local/stand-ins-process.ts';
import { eventually } from '#test/support/stack.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
let running: RunningStandIns | undefined;

afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('the stand-ins in their own process', () => {
  it('answers SQS, S3 and SES, and tells the desk of each mail the SES stand-in stores', async () => {
    // Prepare
    const [sqsPort = 0, sesPort = 0] = await freePorts(2);
    running = await startStandInsProcess({ sqsPort, sesPort, dataDir: undefined });
    const clients = makeLocalClients({ dynamodb: '', sqs: running.sqs, s3: running.sqs, ses: running.ses });
    const told: SentMailNotice[] = [];
    running.onSentMail((mail) => told.push(mail));

    // Act
    const queue = await clients.sqs.send(new CreateQueueCommand({ QueueName: 'intake' }));
    const { CreateBucketCommand } = await import('@aws-sdk/client-s3');
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
    expect(running.pid).not.toBe(process.pid);
  }, 60_000);

  it('ends when the process that started it is killed with SIGKILL', async () => {
    // Prepare: a parent process that starts the stand-ins and prints their pid.
    const [sqsPort = 0, sesPort = 0] = await freePorts(2);
    const script = `import('#local/stand-ins-process.ts').then((m) => m.startStandInsProcess(${JSON.stringify({ sqsPort, sesPort })})).then((s) => console.log('PID', s.pid));`;
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    parent.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    const child = await eventually(
      async () => Number(/PID (\d+)/.exec(out)?.[1]) || undefined,
      'the stand-ins to start',
      { attempts: 600, intervalMs: 100 },
    );
    expect(alive(child)).toBe(true);

    // Act
    parent.kill('SIGKILL');

    // Assess
    try {
      await eventually(async () => !alive(child), 'the stand-ins to end', { attempts: 200, intervalMs: 50 });
      expect(alive(child)).toBe(false);
    } finally {
      // A test stops what it started, even when the stand-ins wrongly outlived their parent.
      if (alive(child)) process.kill(child, 'SIGKILL');
    }
  }, 90_000);
});
