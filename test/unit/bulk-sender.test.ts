import {
  GetAccountCommand,
  SESv2Client,
  SendBulkEmailCommand,
  type SendBulkEmailCommandInput,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { makeBulkSender } from '#shared/adapters/bulk-sender.ts';
import { SesEventRecord } from '#shared/domain/messages.ts';

const request = {
  broadcastId: 'b-1234',
  from: 'assistance1d@ac-dijon.fr',
  fromName: 'Assistance LSUN',
  replyTo: 'assistance1d@ac-dijon.fr',
  template: { subject: 'Objet', text: '{{greeting}}\n\nTexte', html: '<p>{{greeting}}</p>' },
  destinations: [
    { email: 'a@ac-dijon.fr', replacements: { greeting: 'Bonjour Madame A,' } },
    { email: 'b@ac-dijon.fr', replacements: { greeting: 'Bonjour,' } },
    { email: 'c@ac-dijon.fr', replacements: { greeting: 'Bonjour,' } },
  ],
};

function mocked() {
  const client = new SESv2Client({ region: 'eu-west-1' });
  return { client, mock: mockClient(client) };
}

describe('the bulk sender', () => {
  it('sends one SendBulkEmail: inline template, greeting per entry, configuration set, tags, Reply-To, automatic headers', async () => {
    // Prepare
    const { client, mock } = mocked();
    mock.on(SendBulkEmailCommand).resolves({
      BulkEmailEntryResults: [
        { Status: 'SUCCESS', MessageId: 'm-1' },
        { Status: 'SUCCESS', MessageId: 'm-2' },
        { Status: 'SUCCESS', MessageId: 'm-3' },
      ],
    });

    // Act
    await makeBulkSender({ client, configurationSet: 'desk' }).sendBulk(request);

    // Assess
    const input = mock.commandCalls(SendBulkEmailCommand)[0]?.args[0].input as SendBulkEmailCommandInput;
    expect(input.ConfigurationSetName).toBe('desk');
    expect(input.ReplyToAddresses).toEqual(['assistance1d@ac-dijon.fr']);
    expect(input.DefaultEmailTags).toEqual([
      { Name: 'purpose', Value: 'broadcast' },
      { Name: 'broadcast', Value: 'b-1234' },
    ]);
    expect(input.DefaultContent?.Template?.TemplateContent).toEqual({
      Subject: 'Objet',
      Text: '{{greeting}}\n\nTexte',
      Html: '<p>{{greeting}}</p>',
    });
    expect(input.DefaultContent?.Template?.Headers).toEqual([
      { Name: 'Auto-Submitted', Value: 'auto-generated' },
      { Name: 'X-Assistance-LSUN', Value: 'broadcast-b-1234' },
    ]);
    expect(input.BulkEmailEntries?.[0]).toEqual({
      Destination: { ToAddresses: ['a@ac-dijon.fr'] },
      ReplacementEmailContent: {
        ReplacementTemplate: { ReplacementTemplateData: '{"greeting":"Bonjour Madame A,"}' },
      },
    });
  });

  it('answers per entry: sent with its id, throttled retryable, rejected permanent', async () => {
    const { client, mock } = mocked();
    mock.on(SendBulkEmailCommand).resolves({
      BulkEmailEntryResults: [
        { Status: 'SUCCESS', MessageId: 'm-1' },
        { Status: 'ACCOUNT_THROTTLED', Error: 'Maximum sending rate exceeded.' },
        { Status: 'MESSAGE_REJECTED', Error: 'Email address is not verified.' },
      ],
    });

    const results = await makeBulkSender({ client }).sendBulk(request);

    expect(results).toEqual([
      { status: 'sent', messageId: 'm-1' },
      { status: 'failed', error: 'ACCOUNT_THROTTLED : Maximum sending rate exceeded.', retryable: true },
      { status: 'failed', error: 'MESSAGE_REJECTED : Email address is not verified.', retryable: false },
    ]);
  });

  it('answers a whole call refused with 429 as retryable for every entry, a 400 as permanent, and throws without an answer', async () => {
    const { client, mock } = mocked();
    const refusal = (name: string, httpStatusCode: number) =>
      Object.assign(new Error(name), { name, $metadata: { httpStatusCode } });
    mock
      .on(SendBulkEmailCommand)
      .rejectsOnce(refusal('TooManyRequestsException', 429))
      .rejectsOnce(refusal('MessageRejected', 400))
      .rejectsOnce(new Error('socket hang up'));
    const sender = makeBulkSender({ client });

    const throttled = await sender.sendBulk(request);
    const rejected = await sender.sendBulk(request);

    expect(throttled.map((r) => r.status === 'failed' && r.retryable)).toEqual([true, true, true]);
    expect(rejected.map((r) => r.status === 'failed' && r.retryable)).toEqual([false, false, false]);
    await expect(sender.sendBulk(request)).rejects.toThrow('socket hang up');
  });

  it('reads the max send rate from GetAccount, unless configured; assumes 1 a second when the account cannot be read', async () => {
    const { client, mock } = mocked();
    mock.on(GetAccountCommand).resolvesOnce({ SendQuota: { MaxSendRate: 14 } });

    expect(await makeBulkSender({ client }).maxSendRate()).toBe(14);
    expect(await makeBulkSender({ client, maxSendRate: 50 }).maxSendRate()).toBe(50);
    mock.on(GetAccountCommand).rejects(new Error('BadRequestException'));
    expect(await makeBulkSender({ client }).maxSendRate()).toBe(1);
  });
});

describe('SesEventRecord', () => {
  const bounce = {
    eventType: 'Bounce',
    bounce: {
      bounceType: 'Permanent',
      bounceSubType: 'General',
      bouncedRecipients: [{ emailAddress: 'x@ac-dijon.fr', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
      timestamp: '2027-01-04T08:00:03.000Z',
      feedbackId: 'f',
    },
    mail: {
      timestamp: '2027-01-04T08:00:00.000Z',
      messageId: 'ses-1',
      source: 'assistance1d@ac-dijon.fr',
      destination: ['x@ac-dijon.fr'],
      headersTruncated: false,
      tags: { broadcast: ['b-1'], 'ses:configuration-set': ['desk'] },
    },
  };
  const expected = {
    kind: 'bounce',
    sesMessageId: 'ses-1',
    at: '2027-01-04T08:00:03.000Z',
    tags: { broadcast: ['b-1'], 'ses:configuration-set': ['desk'] },
    bounceType: 'Permanent',
    detail: 'General',
  };

  it('reads an event wrapped in SNS’s envelope, as raw delivery, and as EventBridge’s detail alike', () => {
    expect(SesEventRecord.parse({ Type: 'Notification', Message: JSON.stringify(bounce) })).toEqual(expected);
    expect(SesEventRecord.parse(bounce)).toEqual(expected);
    expect(SesEventRecord.parse({ 'detail-type': 'Email Bounced', detail: bounce })).toEqual(expected);
  });

  it('reads identity notifications (notificationType), events without tags, and event types it does not act on', () => {
    const { tags: _, ...mailWithoutTags } = bounce.mail;
    expect(
      SesEventRecord.parse({
        notificationType: 'Complaint',
        mail: mailWithoutTags,
        complaint: { complainedRecipients: [] },
      }),
    ).toMatchObject({ kind: 'complaint', sesMessageId: 'ses-1', tags: {} });
    expect(SesEventRecord.parse({ eventType: 'Open', mail: bounce.mail, open: {} })).toMatchObject({
      kind: 'other',
    });
  });

  it('refuses an event without the mail’s message id: it cannot be matched to anything', () => {
    expect(SesEventRecord.safeParse({ eventType: 'Delivery', mail: { timestamp: 'x' } }).success).toBe(false);
    expect(SesEventRecord.safeParse('not json').success).toBe(false);
  });
});
