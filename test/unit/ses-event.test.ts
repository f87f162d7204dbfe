import { describe, expect, it } from 'vitest';
import { receivedMails, SesReceiptEvent, toReceivedMail } from '#shared/adapters/ses-event.ts';
import type { IntakeMessage } from '#shared/domain/messages.ts';
import { receiveMail } from '#shared/steps/receive.ts';

/** Shaped on the example of the SES developer guide ("Sample incoming email event"). */
function realLookingEvent(): Record<string, unknown> {
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp: '2026-03-05T08:30:02.028Z',
            source: 'ce.0211234c@ac-dijon.fr',
            messageId: 'o3vbg8r3c1bv8in8ggd1v0grv0f0kse4fgvl9n01',
            destination: ['assistance1d@ac-dijon.fr'],
            headersTruncated: false,
            headers: [
              { name: 'Return-Path', value: '<ce.0211234c@ac-dijon.fr>' },
              { name: 'X-SES-Spam-Verdict', value: 'PASS' },
              { name: 'From', value: 'Ecole Jules Ferry <ce.0211234c@ac-dijon.fr>' },
              { name: 'To', value: 'assistance1d@ac-dijon.fr' },
              { name: 'Subject', value: 'LSUN : bulletin introuvable' },
              { name: 'Message-ID', value: '<abc@ac-dijon.fr>' },
            ],
            commonHeaders: {
              returnPath: 'ce.0211234c@ac-dijon.fr',
              from: ['Ecole Jules Ferry <ce.0211234c@ac-dijon.fr>'],
              date: 'Thu, 5 Mar 2026 09:30:00 +0100',
              to: ['assistance1d@ac-dijon.fr'],
              messageId: '<abc@ac-dijon.fr>',
              subject: 'LSUN : bulletin introuvable',
            },
          },
          receipt: {
            timestamp: '2026-03-05T08:30:02.028Z',
            processingTimeMillis: 1205,
            recipients: ['Assistance1D@ac-dijon.fr'],
            spamVerdict: { status: 'PASS' },
            virusVerdict: { status: 'PASS' },
            spfVerdict: { status: 'PASS' },
            dkimVerdict: { status: 'PASS' },
            dmarcVerdict: { status: 'PASS' },
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

/** Gives a mutable view of the first record's `ses` part of a test event. */
function sesOf(event: Record<string, unknown>): {
  mail: Record<string, unknown>;
  receipt: Record<string, unknown>;
} {
  const records = event.Records as Array<{
    ses: { mail: Record<string, unknown>; receipt: Record<string, unknown> };
  }>;
  const first = records[0];
  if (!first) throw new Error('test event without a record');
  return first.ses;
}

describe('SesReceiptEvent', () => {
  it('parses a real-looking receipt event and reads its envelope and verdicts', () => {
    // Prepare
    const event = realLookingEvent();

    // Act
    const parsed = SesReceiptEvent.parse(event);
    const record = parsed.Records[0];
    if (!record) throw new Error('no record parsed');
    const received = toReceivedMail(record);

    // Assess
    expect(received).toEqual({
      sesMessageId: 'o3vbg8r3c1bv8in8ggd1v0grv0f0kse4fgvl9n01',
      receivedAt: '2026-03-05T08:30:02.028Z',
      envelopeFrom: 'ce.0211234c@ac-dijon.fr',
      recipients: ['assistance1d@ac-dijon.fr'],
      verdicts: { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS', spam: 'PASS', virus: 'PASS' },
    });
  });

  it('parses an event whose commonHeaders lack every optional field, with truncated headers', () => {
    // Prepare
    const event = realLookingEvent();
    const ses = sesOf(event);
    ses.mail.commonHeaders = { returnPath: 'ce.0211234c@ac-dijon.fr' };
    ses.mail.headersTruncated = true;
    ses.mail.headers = [];

    // Act
    const result = SesReceiptEvent.safeParse(event);

    // Assess
    expect(result.success).toBe(true);
    expect(result.data?.Records[0]?.ses.mail.headersTruncated).toBe(true);
    expect(result.data?.Records[0]?.ses.mail.commonHeaders.from).toBeUndefined();
  });

  it('parses an event with no commonHeaders at all', () => {
    // Prepare
    const event = realLookingEvent();
    delete sesOf(event).mail.commonHeaders;

    // Act
    const result = SesReceiptEvent.safeParse(event);

    // Assess
    expect(result.success).toBe(true);
  });

  it('reads scanning turned off as DISABLED spam and virus verdicts', () => {
    // Prepare
    const event = realLookingEvent();
    const { receipt } = sesOf(event);
    receipt.spamVerdict = { status: 'DISABLED' };
    delete receipt.virusVerdict;

    // Act
    const record = SesReceiptEvent.parse(event).Records[0];
    if (!record) throw new Error('no record parsed');
    const { verdicts } = toReceivedMail(record);

    // Assess
    expect(verdicts.spam).toBe('DISABLED');
    expect(verdicts.virus).toBe('DISABLED');
  });

  it('keeps the DMARC policy of a failed DMARC check, in lower case', () => {
    // Prepare
    const event = realLookingEvent();
    const { receipt } = sesOf(event);
    receipt.dmarcVerdict = { status: 'FAIL' };
    receipt.dmarcPolicy = 'REJECT';

    // Act
    const record = SesReceiptEvent.parse(event).Records[0];
    if (!record) throw new Error('no record parsed');
    const { verdicts } = toReceivedMail(record);

    // Assess
    expect(verdicts).toMatchObject({ dmarc: 'FAIL', dmarcPolicy: 'reject' });
  });

  it('reads an unknown verdict status as PROCESSING_FAILED rather than losing the mail', () => {
    // Prepare
    const event = realLookingEvent();
    sesOf(event).receipt.dkimVerdict = { status: 'SOMETHING_NEW' };

    // Act
    const record = SesReceiptEvent.parse(event).Records[0];
    if (!record) throw new Error('no record parsed');

    // Assess
    expect(toReceivedMail(record).verdicts.dkim).toBe('PROCESSING_FAILED');
  });

  it('reads a null sender (bounce) as an empty envelope sender', () => {
    // Prepare
    const event = realLookingEvent();
    sesOf(event).mail.source = '';

    // Act
    const record = SesReceiptEvent.parse(event).Records[0];
    if (!record) throw new Error('no record parsed');

    // Assess
    expect(toReceivedMail(record).envelopeFrom).toBe('');
  });

  it('rejects an event that is not from SES', () => {
    // Prepare
    const sqsEvent = {
      Records: [{ eventSource: 'aws:sqs', messageId: 'x', body: '{}', receiptHandle: 'h', attributes: {} }],
    };

    // Act
    const result = SesReceiptEvent.safeParse(sqsEvent);

    // Assess
    expect(result.success).toBe(false);
  });

  it('rejects an SES record without the message id that names its raw mail', () => {
    // Prepare
    const event = realLookingEvent();
    delete sesOf(event).mail.messageId;

    // Act
    const result = SesReceiptEvent.safeParse(event);

    // Assess
    expect(result.success).toBe(false);
  });

  it('rejects an event without any record', () => {
    // Act
    const result = SesReceiptEvent.safeParse({ Records: [] });

    // Assess
    expect(result.success).toBe(false);
  });
});

describe('receiving an SES event', () => {
  it('reads every mail of the event in the desk’s terms', () => {
    expect(receivedMails(realLookingEvent())).toEqual([
      {
        sesMessageId: 'o3vbg8r3c1bv8in8ggd1v0grv0f0kse4fgvl9n01',
        receivedAt: '2026-03-05T08:30:02.028Z',
        envelopeFrom: 'ce.0211234c@ac-dijon.fr',
        recipients: ['assistance1d@ac-dijon.fr'],
        verdicts: { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS', spam: 'PASS', virus: 'PASS' },
      },
    ]);
  });

  it('refuses what is not an SES receipt event', () => {
    expect(() => receivedMails({ Records: [] })).toThrow();
  });

  it('queues each mail for screening under the key SES stored its raw MIME at', async () => {
    // Prepare
    const queued: IntakeMessage[] = [];
    const intake = { sendAll: async (messages: IntakeMessage[]) => void queued.push(...messages) };
    // Act
    const ids = await receiveMail(receivedMails(realLookingEvent()), { intake, rawMailBucket: 'raw-mail' });
    // Assess
    expect(ids).toEqual(['o3vbg8r3c1bv8in8ggd1v0grv0f0kse4fgvl9n01']);
    expect(queued).toMatchObject([
      {
        type: 'mail.received',
        sesMessageId: 'o3vbg8r3c1bv8in8ggd1v0grv0f0kse4fgvl9n01',
        rawMail: { bucket: 'raw-mail', key: 'incoming/o3vbg8r3c1bv8in8ggd1v0grv0f0kse4fgvl9n01' },
      },
    ]);
  });
});
