/**
 * Notifications to staff end to end, through `npm start`'s own stack: an agent's choices over
 * `GET/PUT /api/me/notifications` (their own only, everything on by default), the mail an
 * assignment and a director's follow-up send to the agent through the outbox, the mailer and the
 * SES stand-in (French, generated, with the ticket's link), and nothing sent once turned off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendTestMail } from '#local/send-mail.ts';
import type { RunningDesk } from '#local/stack.ts';
import { TicketDetail } from '#shared/api/contract.ts';
import { NotificationPrefs } from '#shared/domain/notifications.ts';
import { headerOf, type SentMail, sentMails } from '../support/outbox.ts';
import { eventually, outboxDrained, startTestStack, type TestStack } from '../support/stack.ts';

const AGENT = 'alex.agent@ac-dijon.fr';
const LEAD = 'lea.lead@ac-dijon.fr';
const DIRECTOR = 'camille.martin@ac-dijon.fr';

let stack: TestStack;
let desk: RunningDesk;
let agentToken: string;
let leadToken: string;
/** A ticket opened by Camille Martin's mail, and the SMTP Message-ID of that mail. */
let ticket: { number: string; messageId: string };

async function api(pathAndQuery: string, token: string, init: RequestInit = {}) {
  const response = await fetch(`${desk.httpUrl}${pathAndQuery}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body ? { 'content-type': 'application/json' } : {}),
    },
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

const send = (method: string, pathAndQuery: string, body: unknown, token: string) =>
  api(pathAndQuery, token, { method, body: JSON.stringify(body) });

/** The director writes again on the ticket; resolves once the ticket holds the follow-up. */
async function directorFollowsUp(text: string) {
  const before = TicketDetail.parse((await api(`/api/tickets/${ticket.number}`, agentToken)).body);
  await sendTestMail({
    port: desk.smtpPort,
    from: `Camille Martin <${DIRECTOR}>`,
    to: 'assistance1d@ac-dijon.fr',
    subject: `Re: [${ticket.number}] LSUN : édition des livrets impossible`,
    text,
    inReplyTo: ticket.messageId,
  });
  await eventually(async () => {
    const detail = TicketDetail.parse((await api(`/api/tickets/${ticket.number}`, agentToken)).body);
    return detail.messageCount > before.messageCount ? true : undefined;
  }, 'the follow-up on the ticket');
}

const notificationsTo = async (to: string) =>
  (await sentMails(desk.endpoints.ses, to)).filter((mail) => mail.subject.startsWith('[Assistance LSUN]'));

beforeAll(async () => {
  stack = await startTestStack();
  desk = stack.desk;
  agentToken = await stack.token(AGENT, ['agent']);
  leadToken = await stack.token(LEAD, ['agent']);
  const sent = await sendTestMail({
    port: desk.smtpPort,
    from: `Camille Martin <${DIRECTOR}>`,
    to: 'assistance1d@ac-dijon.fr',
    subject: 'LSUN : édition des livrets impossible',
    text: 'Bonjour, le livret de Jeanne ne s’édite pas. Son adresse est 3 rue des Lilas.',
  });
  const ack = await eventually<SentMail>(
    async () =>
      (await sentMails(desk.endpoints.ses, DIRECTOR)).find(
        (mail) => headerOf(mail, 'In-Reply-To') === `<${sent.messageId}>`,
      ),
    'the acknowledgment',
  );
  ticket = { number: ack.subject.match(/^\[(LSUN-\d{4}-\d{5})\]/)?.[1] ?? '', messageId: sent.messageId };
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('an agent’s notification choices', () => {
  it('has every kind on for an agent who never chose', async () => {
    const { status, body } = await api('/api/me/notifications', agentToken);
    expect(status).toBe(200);
    expect(NotificationPrefs.parse(body)).toEqual({ assigned: true, follow_up: true });
  });

  it('keeps one agent’s choice to themselves', async () => {
    // Act
    const saved = await send('PUT', '/api/me/notifications', { assigned: false, follow_up: true }, leadToken);
    // Assess
    expect(saved).toEqual({ status: 200, body: { assigned: false, follow_up: true } });
    expect((await api('/api/me/notifications', leadToken)).body).toEqual({
      assigned: false,
      follow_up: true,
    });
    expect((await api('/api/me/notifications', agentToken)).body).toEqual({
      assigned: true,
      follow_up: true,
    });
  });

  it('refuses a choice that is not a yes or no for each kind, in French', async () => {
    const { status, body } = await send('PUT', '/api/me/notifications', { assigned: 'oui' }, agentToken);
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toMatch(/[éèà]|attendu|invalide/i);
  });
});

describe('the mails', () => {
  it('tells the agent another agent assigned them the ticket: generated, in French, with its link, without the director’s text', async () => {
    // Act
    const assigned = await send(
      'POST',
      `/api/tickets/${ticket.number}/assign`,
      { assignee: AGENT },
      leadToken,
    );
    // Assess
    expect(assigned.status).toBe(200);
    const mail = await eventually(
      async () => (await notificationsTo(AGENT))[0],
      'the assignment notification',
    );
    expect(mail.subject).toBe(`[Assistance LSUN] Ticket ${ticket.number} attribué`);
    expect(headerOf(mail, 'Auto-Submitted')).toBe('auto-generated');
    expect(mail.body.text).toContain(`${desk.httpUrl}/tickets/${ticket.number}`);
    expect(mail.body.text).toContain('Camille Martin');
    expect(mail.body.text).not.toContain('rue des Lilas');
  });

  it('tells the agent of the director’s follow-up, and nobody else', async () => {
    // Act
    await directorFollowsUp('Toujours bloqué ce matin.');
    // Assess
    const mails = await eventually(async () => {
      const found = await notificationsTo(AGENT);
      return found.length >= 2 ? found : undefined;
    }, 'the follow-up notification');
    expect(mails.map((mail) => mail.subject)).toContain(
      `[Assistance LSUN] Relance sur le ticket ${ticket.number}`,
    );
    await outboxDrained(desk);
    expect(await notificationsTo(DIRECTOR)).toEqual([]);
    expect(await notificationsTo(LEAD)).toEqual([]);
    const detail = TicketDetail.parse((await api(`/api/tickets/${ticket.number}`, agentToken)).body);
    expect(JSON.stringify(detail.messages)).not.toContain('[Assistance LSUN]');
  });

  it('sends nothing once the agent turned follow-ups off', async () => {
    // Prepare
    await send('PUT', '/api/me/notifications', { assigned: true, follow_up: false }, agentToken);
    const before = (await notificationsTo(AGENT)).length;
    // Act
    await directorFollowsUp('Et maintenant ?');
    await outboxDrained(desk);
    // Assess
    expect(await notificationsTo(AGENT)).toHaveLength(before);
  });
});
