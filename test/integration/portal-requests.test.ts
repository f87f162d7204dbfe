/**
 * The portal's requests on the local desk (`startDesk`): the real `api` function behind the
 * local front, with a client-credentials token of `npm run token -- --client portail`. Each
 * outcome and its JSON answer; the acknowledgment by mail; the daily counter shared with mail,
 * both ways; the idempotency key; a follow-up naming its ticket; a request with an attachment
 * uploaded through its presigned URL, listed on the ticket page and downloaded by staff.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueClientToken, LOCAL_PORTAL_CLIENT_ID } from '#local/jwt.ts';
import { sendTestMail } from '#local/send-mail.ts';
import type { RunningDesk } from '#local/stack.ts';
import { DownloadLink, IntakeDetail, TicketDetail } from '#shared/api/contract.ts';
import { PortalAnswer, PortalUpload } from '#shared/api/portal-contract.ts';
import { sentMails } from '../support/outbox.ts';
import { eventually, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let desk: RunningDesk;
let portalToken: string;
let agentToken: string;

const key = () => `cle-${randomBytes(8).toString('hex')}`;

async function call(path: string, token: string, body: unknown) {
  const response = await fetch(`${desk.httpUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

/** A request of the portal as the director `email` writes it. */
async function submit(email: string, fields: Record<string, unknown> = {}) {
  return call('/api/portal/requests', portalToken, {
    requester: { email, name: 'Directrice Test' },
    subject: 'LSUN : impossible de valider les livrets',
    text: 'Bonjour,\nle bouton « valider » reste grisé.\nMerci.',
    idempotencyKey: key(),
    ...fields,
  });
}

async function staffGet(path: string) {
  const response = await fetch(`${desk.httpUrl}${path}`, {
    headers: { authorization: `Bearer ${agentToken}` },
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

beforeAll(async () => {
  stack = await startTestStack();
  desk = stack.desk;
  portalToken = await issueClientToken(
    { clientId: LOCAL_PORTAL_CLIENT_ID, scopes: ['lsun/portal.write'] },
    { keyPath: stack.jwtKeyPath },
  );
  agentToken = await stack.token('agent@ac-dijon.fr', ['agent']);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('POST /api/portal/requests', () => {
  it('opens a ticket for a director, answers its number at once, and sends the acknowledgment by mail', async () => {
    // Act
    const { status, body } = await submit('estelle.gaillard@ac-dijon.fr');

    // Assess
    expect(status).toBe(200);
    const answer = PortalAnswer.parse(body);
    expect(answer).toMatchObject({
      outcome: 'ticket_created',
      ticketNumber: expect.stringMatching(/^LSUN-\d{4}-\d{5}$/),
    });
    const ack = await eventually(
      async () =>
        (await sentMails(desk.endpoints.ses, 'estelle.gaillard@ac-dijon.fr')).find((mail) =>
          mail.subject.includes(answer.ticketNumber ?? '?'),
        ),
      'the acknowledgment by mail',
    );
    expect(ack.subject).toContain('LSUN : impossible de valider les livrets');
    const detail = IntakeDetail.parse((await staffGet(`/api/intake/${answer.requestId}`)).body);
    expect(detail.entry).toMatchObject({
      channel: 'portal',
      outcome: 'ticket_created',
      from: 'estelle.gaillard@ac-dijon.fr',
    });
    const ticket = TicketDetail.parse((await staffGet(`/api/tickets/${answer.ticketNumber}`)).body);
    expect(JSON.stringify(ticket)).toContain('le bouton « valider » reste grisé.');
  });

  it('answers the same outcome and ticket for the same idempotency key, and opens one ticket', async () => {
    // Prepare
    const idempotencyKey = key();

    // Act
    const first = PortalAnswer.parse((await submit('herve.simon@ac-dijon.fr', { idempotencyKey })).body);
    const again = await Promise.all([
      submit('herve.simon@ac-dijon.fr', { idempotencyKey }),
      submit('herve.simon@ac-dijon.fr', { idempotencyKey, subject: 'LSUN : autre chose' }),
    ]);

    // Assess
    expect(first.outcome).toBe('ticket_created');
    for (const { status, body } of again) {
      expect(status).toBe(200);
      expect(PortalAnswer.parse(body)).toEqual(first);
    }
  });

  it('turns away a request without the keyword, as a mail, and says so', async () => {
    // Act
    const { status, body } = await submit('christelle.simon@ac-dijon.fr', {
      subject: 'Question sur les bulletins',
    });

    // Assess
    expect(status).toBe(200);
    const answer = PortalAnswer.parse(body);
    expect(answer.outcome).toBe('no_keyword');
    expect(answer.ticketNumber).toBeUndefined();
    expect(answer.message).toContain('LSUN');
  });

  it('holds a request from an address the directory does not know (not_director)', async () => {
    // Act
    const answer = PortalAnswer.parse((await submit('quelquun.autre@ac-dijon.fr')).body);

    // Assess
    expect(answer.outcome).toBe('not_director');
    expect(answer.ticketNumber).toBeUndefined();
  });

  it('turns away a request from an address outside the académie (not_academic), as a mail', async () => {
    // Act
    const answer = PortalAnswer.parse((await submit('camille.martin@gmail.com')).body);

    // Assess
    expect(answer.outcome).toBe('not_academic');
    expect(answer.ticketNumber).toBeUndefined();
    expect(answer.message).toContain('adresses académiques');
  });

  it('adds a request naming its ticket to that ticket (follow_up)', async () => {
    // Prepare
    const opened = PortalAnswer.parse((await submit('claire.roger@ac-dijon.fr')).body);

    // Act
    const answer = PortalAnswer.parse(
      (
        await submit('claire.roger@ac-dijon.fr', {
          ticketNumber: opened.ticketNumber,
          text: 'Un complément.',
        })
      ).body,
    );

    // Assess
    expect(answer).toMatchObject({ outcome: 'follow_up', ticketNumber: opened.ticketNumber });
    const ticket = TicketDetail.parse((await staffGet(`/api/tickets/${opened.ticketNumber}`)).body);
    expect(JSON.stringify(ticket)).toContain('Un complément.');
  });

  it('counts the portal against the daily counter of mail: the 11th request of the day, mail first, is held', async () => {
    // Prepare: ten requests by mail
    const from = 'sophie.rousseau@ac-dijon.fr';
    for (let i = 0; i < 10; i++) {
      await sendTestMail({
        port: desk.smtpPort,
        from,
        to: 'assistance1d@ac-dijon.fr',
        subject: `LSUN demande ${i}`,
        text: 'Bonjour',
      });
    }
    await eventually(
      async () => (await sentMails(desk.endpoints.ses, from)).length >= 10,
      'the ten acknowledgments',
      { attempts: 400 },
    );

    // Act
    const answer = PortalAnswer.parse((await submit(from)).body);

    // Assess
    expect(answer.outcome).toBe('rate_limited');
    expect(answer.ticketNumber).toBeUndefined();
  }, 60_000);

  it('counts mail against the daily counter the portal used: the 11th request of the day, portal first, is held', async () => {
    // Prepare: ten requests by the portal
    const from = 'cedric.roussel@ac-dijon.fr';
    for (let i = 0; i < 10; i++) {
      expect(PortalAnswer.parse((await submit(from)).body).outcome).toBe('ticket_created');
    }

    // Act
    const sent = await sendTestMail({
      port: desk.smtpPort,
      from,
      to: 'assistance1d@ac-dijon.fr',
      subject: 'LSUN onzième',
      text: 'Bonjour',
    });

    // Assess
    const detail = await eventually(async () => {
      const { status, body } = await staffGet(`/api/intake/${sent.sesMessageId}`);
      return status === 200 ? IntakeDetail.parse(body) : undefined;
    }, 'the mail in the intake log');
    expect(detail.entry.outcome).toBe('rate_limited');
    expect(detail.entry.channel).toBeUndefined();
  }, 60_000);

  it('keeps an attachment uploaded through its presigned URL with the request, for staff to download', async () => {
    // Prepare
    const pdf = Buffer.from('%PDF-1.4\n% capture d’écran\n', 'utf8');
    const upload = PortalUpload.parse(
      (
        await call('/api/portal/uploads', portalToken, {
          filename: 'capture écran.pdf',
          mimeType: 'application/pdf',
          size: pdf.length,
        })
      ).body,
    );
    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: pdf });
    expect(put.status).toBe(200);

    // Act
    const answer = PortalAnswer.parse(
      (
        await submit('vincent.brunet@ac-dijon.fr', {
          attachments: [
            { uploadId: upload.uploadId, filename: 'capture écran.pdf', mimeType: 'application/pdf' },
          ],
        })
      ).body,
    );

    // Assess
    expect(answer.outcome).toBe('ticket_created');
    const ticket = TicketDetail.parse((await staffGet(`/api/tickets/${answer.ticketNumber}`)).body);
    expect(JSON.stringify(ticket)).toContain('capture écran.pdf');
    const link = DownloadLink.parse(
      (await staffGet(`/api/tickets/${answer.ticketNumber}/messages/${answer.requestId}/attachments/0`)).body,
    );
    expect(link.filename).toBe('capture écran.pdf');
    const downloaded = Buffer.from(await (await fetch(link.url)).arrayBuffer());
    expect(downloaded.equals(pdf)).toBe(true);
  });

  it('refuses attachments that name no upload (400, in French)', async () => {
    // Act
    const { status, body } = await submit('laurent.lemoine@ac-dijon.fr', {
      attachments: [
        { uploadId: '00000000-0000-4000-8000-000000000000', filename: 'a.pdf', mimeType: 'application/pdf' },
      ],
    });

    // Assess
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toContain("n'a pas été déposée");
  });
});
