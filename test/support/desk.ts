/**
 * A desk of its own for an integration test file: fresh resources on the shared stand-ins, the
 * real handlers imported as Lambda would, and a pump that plays the event source mappings one
 * batch at a time so a test sees each step's effect deterministically.
 */
import { randomBytes } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import type { ReceiptVerdicts } from '#shared/domain/mail.ts';
import { pipeline } from '#shared/pipeline.ts';
import { makeTestResources, type TestResources, useDeskEnvironment } from './aws.ts';

type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export const lambdaContext = {
  awsRequestId: 'test',
  functionName: 'test',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

export const passingVerdicts: ReceiptVerdicts = {
  spf: 'PASS',
  dkim: 'PASS',
  dmarc: 'PASS',
  spam: 'PASS',
  virus: 'PASS',
};

export type TestMail = {
  from: string;
  to?: string;
  subject: string;
  text?: string;
  html?: string;
  headers?: Record<string, string>;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  envelopeFrom?: string;
  verdicts?: Partial<ReceiptVerdicts>;
  attachments?: Array<{ filename: string; content: Buffer | string; contentType?: string }>;
};

/** Builds the raw MIME of a test mail with nodemailer's composer (a real, well-formed mail). */
export async function composeMail(mail: TestMail): Promise<Buffer> {
  const composer = new MailComposer({
    from: mail.from,
    to: mail.to ?? 'assistance1d@ac-dijon.fr',
    subject: mail.subject,
    text: mail.text ?? 'Bonjour, les bulletins LSU ne s’affichent pas. Cordialement.',
    html: mail.html,
    headers: mail.headers,
    messageId:
      mail.messageId === undefined ? `<${randomBytes(8).toString('hex')}@ac-dijon.fr>` : mail.messageId,
    inReplyTo: mail.inReplyTo,
    references: mail.references,
    attachments: mail.attachments,
  });
  return composer.compile().build();
}

export type Desk = Awaited<ReturnType<typeof startTestDesk>>;

/** A fresh desk: resources, environment, the real handlers, and helpers to drive them. */
export async function startTestDesk(name: string) {
  const test: TestResources = await makeTestResources(name);
  const restoreEnv = useDeskEnvironment(test.env);
  const handlers = {
    receive: (await import('#functions/receive.ts')).handler as unknown as (
      event: unknown,
      context: Context,
    ) => Promise<void>,
    screen: (await import('#functions/screen.ts')).handler as unknown as SqsHandler,
    ticket: (await import('#functions/ticket.ts')).handler as unknown as SqsHandler,
    mailer: (await import('#functions/mailer.ts')).handler as unknown as SqsHandler,
  };
  const { clients, resources } = test;
  const db = documentClient(clients.dynamodb);
  let sequence = 0;

  /** What SES does on receipt: store the raw mail, then invoke `receive` with its event. */
  async function receive(mail: TestMail, sesMessageId = `ses${Date.now()}${sequence++}`) {
    const raw = await composeMail(mail);
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: resources.bucket,
        Key: `${pipeline.rawMailPrefix}${sesMessageId}`,
        Body: raw,
      }),
    );
    const verdicts = { ...passingVerdicts, ...mail.verdicts };
    const to = mail.to ?? 'assistance1d@ac-dijon.fr';
    const event = sesEvent({
      sesMessageId,
      from: mail.envelopeFrom ?? mail.from,
      to,
      verdicts,
      subject: mail.subject,
    });
    await handlers.receive(event, lambdaContext);
    return sesMessageId;
  }

  /**
   * Delivers one batch from a stage's queue to its consumer and deletes what succeeded, as the
   * event source mapping does. Returns the number of records delivered and those that failed.
   */
  async function pumpOnce(
    stage: 'intake' | 'tickets' | 'outbox',
    options: { deleteSucceeded?: boolean } = {},
  ) {
    const stageInfo = pipeline.stages.find((s) => s.queue === stage);
    if (!stageInfo) throw new Error(`no stage ${stage}`);
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: resources.queueUrls[stage],
        MaxNumberOfMessages: stageInfo.batchSize,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 0,
      }),
    );
    if (Messages.length === 0) return { delivered: 0, failed: 0, event: undefined };
    const event: SQSEvent = {
      Records: Messages.map((m) => ({
        messageId: m.MessageId ?? '',
        receiptHandle: m.ReceiptHandle ?? '',
        body: m.Body ?? '',
        attributes: {} as SQSEvent['Records'][number]['attributes'],
        messageAttributes: {},
        md5OfBody: m.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:eu-west-1:000000000000:${stage}`,
        awsRegion: 'eu-west-1',
      })),
    };
    const consumer = { intake: handlers.screen, tickets: handlers.ticket, outbox: handlers.mailer }[stage];
    const result = await consumer(event, lambdaContext);
    const failedIds = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    if (options.deleteSucceeded !== false) {
      for (const message of Messages) {
        if (!failedIds.has(message.MessageId ?? '')) {
          await clients.sqs.send(
            new DeleteMessageCommand({
              QueueUrl: resources.queueUrls[stage],
              ReceiptHandle: message.ReceiptHandle,
            }),
          );
        }
      }
    }
    return { delivered: Messages.length, failed: failedIds.size, event };
  }

  /** Runs every stage until all queues are empty. */
  async function drain() {
    for (let rounds = 0; rounds < 200; rounds++) {
      let delivered = 0;
      for (const stage of ['intake', 'tickets', 'outbox'] as const) {
        const pumped = await pumpOnce(stage);
        delivered += pumped.delivered;
        if (pumped.failed > 0) throw new Error(`${pumped.failed} record(s) failed in ${stage}`);
      }
      if (delivered === 0) return;
    }
    throw new Error('queues did not drain');
  }

  return {
    test,
    clients,
    resources,
    db,
    handlers,
    receive,
    pumpOnce,
    drain,
    stop() {
      restoreEnv();
      test.destroy();
    },
  };
}

/** The event SES gives the Lambda receipt action (no body: the raw mail is in S3). */
export function sesEvent(input: {
  sesMessageId: string;
  from: string;
  to: string;
  subject: string;
  verdicts: ReceiptVerdicts;
}) {
  const timestamp = new Date().toISOString();
  const status = (s: string) => ({ status: s });
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp,
            source: input.from,
            messageId: input.sesMessageId,
            destination: [input.to],
            headersTruncated: false,
            headers: [],
            commonHeaders: { from: [input.from], to: [input.to], subject: input.subject },
          },
          receipt: {
            timestamp,
            processingTimeMillis: 10,
            recipients: [input.to],
            spamVerdict: status(input.verdicts.spam),
            virusVerdict: status(input.verdicts.virus),
            spfVerdict: status(input.verdicts.spf),
            dkimVerdict: status(input.verdicts.dkim),
            dmarcVerdict: status(input.verdicts.dmarc),
            ...(input.verdicts.dmarc === 'FAIL' ? { dmarcPolicy: 'REJECT' } : {}),
            action: {
              type: 'Lambda',
              functionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:receive',
              invocationType: 'Event',
            },
          },
        },
      },
    ],
  };
}
