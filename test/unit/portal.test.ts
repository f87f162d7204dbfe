/**
 * The portal's pieces that need no desk: the request's intake id, the attachments' limit, the
 * mail-shaped record the intake's rules read, the answer per outcome, the MIME message the desk
 * keeps (read back by the same parser as a mail), and the router's check of a portal caller.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  attachmentsTooLarge,
  PORTAL_ATTACHMENTS_MAX_BYTES,
  portalAnswer,
  portalMail,
  portalRequestId,
} from '#shared/domain/portal.ts';
import type { IntakeEntry } from '#shared/domain/records.ts';
import { channelOf } from '#shared/domain/records.ts';
import { rawMailKeyOf } from '#shared/domain/retention.ts';
import { portalCallerOf } from '#shared/http/auth.ts';
import { ForbiddenError, UnauthorizedError } from '#shared/http/errors.ts';
import { composeMail } from '#shared/mail/compose.ts';
import { parseMime } from '#shared/mail/parse.ts';
import { portalRawMail } from '#shared/steps/portal.ts';

const request = {
  requester: 'Camille.Martin@AC-Dijon.fr',
  requesterName: 'Camille Martin',
  subject: 'LSUN : bulletins',
  text: 'Bonjour',
  idempotencyKey: 'cle-0001-abcd',
};

const entry = (fields: Partial<IntakeEntry>): IntakeEntry => ({
  sesMessageId: 'portail-cle-0001-abcd',
  envelopeFrom: '',
  recipient: 'assistance1d@ac-dijon.fr',
  subject: 'LSUN : bulletins',
  receivedAt: '2026-12-07T08:00:00.000Z',
  outcome: 'ticket_created',
  detail: '',
  rawMail: { bucket: 'b', key: 'incoming/portail-cle-0001-abcd' },
  channel: 'portal',
  ...fields,
});

const withClaims = (claims: Record<string, string> | undefined) =>
  ({
    requestContext: claims === undefined ? {} : { authorizer: { jwt: { claims, scopes: null } } },
  }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

describe('a portal request', () => {
  it('takes its intake id from its idempotency key: the same key, the same entry', () => {
    expect(portalRequestId('cle-0001-abcd')).toBe('portail-cle-0001-abcd');
    expect(portalRequestId('cle-0001-abcd')).toBe(portalRequestId('cle-0001-abcd'));
    expect(portalRequestId('cle-0002-abcd')).not.toBe(portalRequestId('cle-0001-abcd'));
  });

  it('allows 10 MB of attachments in all, not a byte more', () => {
    expect(attachmentsTooLarge([PORTAL_ATTACHMENTS_MAX_BYTES - 1, 1])).toBe(false);
    expect(attachmentsTooLarge([PORTAL_ATTACHMENTS_MAX_BYTES, 1])).toBe(true);
    expect(attachmentsTooLarge([])).toBe(false);
  });

  it('reads as a mail from the director to the desk, with no mail verdict to judge', () => {
    // Act
    const mail = portalMail(request, {
      receivedAt: '2026-12-07T08:00:00.000Z',
      deskAddress: 'assistance1d@ac-dijon.fr',
      rawMail: { bucket: 'b', key: 'k' },
      messageId: 'm@portail',
      attachments: [],
    });

    // Assess
    expect(mail).toMatchObject({
      sesMessageId: 'portail-cle-0001-abcd',
      from: { address: 'camille.martin@ac-dijon.fr', name: 'Camille Martin' },
      recipients: ['assistance1d@ac-dijon.fr'],
      verdicts: { spf: 'DISABLED', dkim: 'DISABLED', dmarc: 'DISABLED' },
    });
  });

  it('answers the ticket number of an accepted request, and none for a held one', () => {
    expect(portalAnswer(entry({ ticketNumber: 'LSUN-2026-00007' }), 'LSUN')).toMatchObject({
      outcome: 'ticket_created',
      ticketNumber: 'LSUN-2026-00007',
    });
    const held = portalAnswer(entry({ outcome: 'rate_limited', ticketNumber: undefined }), 'LSUN');
    expect(held.ticketNumber).toBeUndefined();
    expect(held.message).toContain("aujourd'hui");
    expect(portalAnswer(entry({ outcome: 'no_keyword' }), 'LSUN').message).toContain('mot-clé LSUN');
  });

  it('says an entry without a channel came by mail', () => {
    expect(channelOf({})).toBe('mail');
    expect(channelOf({ channel: 'portal' })).toBe('portal');
  });
});

describe('the MIME message a portal request is kept as', () => {
  it('reads back through the mail parser: sender, accented subject and text, attachments with their names', async () => {
    // Prepare
    const pdf = new Uint8Array([37, 80, 68, 70, 0, 255]);

    // Act
    const parsed = await parseMime(
      composeMail({
        from: { address: 'camille.martin@ac-dijon.fr', name: 'Camille Martin' },
        to: 'assistance1d@ac-dijon.fr',
        subject: 'LSUN : élève absent\r\nBcc: x@y.fr',
        text: 'Bonjour,\nle livret « CM2 » est vide.',
        messageId: 'portail-cle@portail.ac-dijon.fr',
        date: new Date('2026-12-07T08:00:00Z'),
        attachments: [{ filename: 'relevé été.pdf', mimeType: 'application/pdf', bytes: pdf }],
      }),
    );

    // Assess
    expect(parsed.from).toEqual({ address: 'camille.martin@ac-dijon.fr', name: 'Camille Martin' });
    expect(parsed.subject).toBe('LSUN : élève absent Bcc: x@y.fr');
    expect(parsed.text.trim()).toBe('Bonjour,\nle livret « CM2 » est vide.');
    expect(parsed.messageId).toBe('portail-cle@portail.ac-dijon.fr');
    expect(parsed.attachments).toEqual([
      { filename: 'relevé été.pdf', mimeType: 'application/pdf', size: pdf.length },
    ]);
  });
});

describe('the retention of a portal request', () => {
  it("is kept under the raw mails' prefix, so the purge deletes it with its ticket's message, like a mail", () => {
    // Prepare
    const location = portalRawMail('bucket', portalRequestId('cle-0001-abcd'));

    // Act
    const key = rawMailKeyOf(
      {
        pk: 'TICKET#LSUN-2026-00001',
        sk: 'MSG#2026-12-07T08:00:00.000Z#x',
        direction: 'in',
        rawMail: location,
      },
      'incoming/',
    );

    // Assess
    expect(key).toBe('incoming/portail-cle-0001-abcd');
  });
});

describe("the router's check of a portal caller", () => {
  it('admits an access token carrying the scope, as its client', () => {
    const caller = portalCallerOf(
      withClaims({ client_id: 'portail-id', token_use: 'access', scope: 'lsun/portal.write' }),
      'lsun/portal.write',
    );
    expect(caller).toEqual({ clientId: 'portail-id' });
  });

  it('refuses a staff ID token (403) and a token of another scope (403), and no claims at all (401)', () => {
    const staff = withClaims({
      sub: 's',
      email: 'agent@ac-dijon.fr',
      token_use: 'id',
      'cognito:groups': '[admin]',
    });
    const other = withClaims({ client_id: 'portail-id', token_use: 'access', scope: 'lsun/portal.read' });
    expect(() => portalCallerOf(staff, 'lsun/portal.write')).toThrow(ForbiddenError);
    expect(() => portalCallerOf(other, 'lsun/portal.write')).toThrow(ForbiddenError);
    expect(() => portalCallerOf(withClaims(undefined), 'lsun/portal.write')).toThrow(UnauthorizedError);
  });
});
