/**
 * The mail sender over a mocked SES v2 client (`aws-sdk-client-mock`): what it sends, and how it
 * sorts SES's `SendEmail` errors into final refusals (`MailRefusedError`, recorded `failed`) and
 * failures that may pass (thrown as they are, retried by SQS).
 */
import {
  SESv2Client,
  SESv2ServiceException,
  SendEmailCommand,
  type SendEmailCommandInput,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { isFinalRefusal, makeMailSender } from '#shared/adapters/mail-sender.ts';
import { MailRefusedError } from '#shared/domain/send-status.ts';
import { opening } from '../support/intake-records.ts';

const ack = opening('ses-1').acknowledgment('LSUN-2026-00001');

function mocked() {
  const client = new SESv2Client({ region: 'eu-west-1', maxAttempts: 1 });
  return { client, mock: mockClient(client) };
}

/** An error as the SES v2 client throws it, from SES's answer. */
function sesError(name: string, httpStatusCode: number) {
  return new SESv2ServiceException({
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode },
    message: name,
  });
}

describe('the mail sender', () => {
  it('sends simple content with the threading and automatic headers, the configuration set and tags; returns SES’s id', async () => {
    // Prepare
    const { client, mock } = mocked();
    mock.on(SendEmailCommand).resolves({ MessageId: 'ses-out-1' });
    // Act
    const id = await makeMailSender({ client, configurationSet: 'desk' }).send(ack);
    // Assess
    expect(id).toBe('ses-out-1');
    const input = mock.commandCalls(SendEmailCommand)[0]?.args[0].input as SendEmailCommandInput;
    expect(input.ConfigurationSetName).toBe('desk');
    expect(input.Destination?.ToAddresses).toEqual([ack.to]);
    expect(input.Content?.Simple?.Headers).toEqual(
      expect.arrayContaining([
        { Name: 'X-Assistance-LSUN', Value: ack.outboxId },
        { Name: 'Auto-Submitted', Value: 'auto-replied' },
      ]),
    );
    expect(input.EmailTags).toEqual([
      { Name: 'purpose', Value: 'acknowledgment' },
      { Name: 'ticket', Value: 'LSUN-2026-00001' },
    ]);
  });

  for (const [name, status] of [
    ['MessageRejected', 400],
    ['MailFromDomainNotVerifiedException', 400],
    ['AccountSuspendedException', 400],
    ['BadRequestException', 400],
    ['NotFoundException', 404],
  ] as const) {
    it(`turns ${name} into a final refusal carrying SES’s code and its cause`, async () => {
      const { client, mock } = mocked();
      const error = sesError(name, status);
      mock.on(SendEmailCommand).rejects(error);
      const sending = makeMailSender({ client }).send(ack);
      await expect(sending).rejects.toBeInstanceOf(MailRefusedError);
      await expect(sending).rejects.toMatchObject({ code: name, cause: error });
    });
  }

  for (const [name, status] of [
    ['TooManyRequestsException', 429],
    ['LimitExceededException', 400],
    ['SendingPausedException', 400],
    ['InternalFailure', 500],
    ['ServiceUnavailable', 503],
    ['AccessDeniedException', 403],
  ] as const) {
    it(`throws ${name} (HTTP ${status}) as it is, to be retried`, async () => {
      const { client, mock } = mocked();
      const error = sesError(name, status);
      mock.on(SendEmailCommand).rejects(error);
      await expect(makeMailSender({ client }).send(ack)).rejects.toBe(error);
    });
  }

  it('throws a failure with no answer from SES (network) as it is, to be retried', async () => {
    const { client, mock } = mocked();
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    mock.on(SendEmailCommand).rejects(reset);
    await expect(makeMailSender({ client }).send(ack)).rejects.toBe(reset);
  });

  it('takes an unnamed 4xx for a final refusal, named by its status', async () => {
    const unnamed = Object.assign(new Error('Bad'), { $metadata: { httpStatusCode: 413 } });
    expect(isFinalRefusal(unnamed)).toBe(true);
    const { client, mock } = mocked();
    mock.on(SendEmailCommand).rejects(unnamed);
    await expect(makeMailSender({ client }).send(ack)).rejects.toMatchObject({ code: 'HTTP 413' });
  });
});
