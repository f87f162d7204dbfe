/**
 * End to end through `npm start`'s own stack (`startDesk`): a mail submitted over SMTP comes
 * out as an acknowledgment in the SES stand-in's outbox, and the staff API shows its ticket
 * and its intake log line. Receipt verdicts are computed for real against the DNS fixture.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendTestMail } from '#local/send-mail.ts';
import type { RunningDesk } from '#local/stack.ts';
import type { IntakeEntry } from '#shared/domain/records.ts';
import { headerOf, type SentMail, sentMails } from '../support/outbox.ts';
import { eventually, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let desk: RunningDesk;
let agentToken: string;
let adminToken: string;

beforeAll(async () => {
  stack = await startTestStack();
  desk = stack.desk;
  agentToken = await stack.token('agent@ac-dijon.fr', ['agent']);
  adminToken = await stack.token('admin@ac-dijon.fr', ['admin']);
});

afterAll(async () => {
  await stack?.stop();
});

async function api(pathAndQuery: string, token = agentToken, init: RequestInit = {}) {
  const response = await fetch(`${desk.httpUrl}${pathAndQuery}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function intakeEntry(sesMessageId: string): Promise<IntakeEntry | undefined> {
  const { body } = await api('/api/intake?limit=100');
  return (body.items as IntakeEntry[]).find((entry) => entry.sesMessageId === sesMessageId);
}

describe('a director mailing the desk over SMTP', () => {
  it('gets the acknowledgment with its ticket number, and staff see the ticket and its log line', async () => {
    // Act
    const sent = await sendTestMail({
      port: desk.smtpPort,
      from: 'Camille Martin <camille.martin@ac-dijon.fr>',
      to: 'assistance1d@ac-dijon.fr',
      subject: 'LSUN : impossible d’éditer les bulletins',
      text: 'Bonjour, depuis ce matin l’édition des bulletins échoue. Merci de votre aide.',
    });
    // Assess: the acknowledgment, in French, threaded, from the address written to.
    const ack = await eventually<SentMail>(
      async () =>
        (await sentMails(desk.endpoints.ses, 'camille.martin@ac-dijon.fr')).find(
          (mail) => headerOf(mail, 'In-Reply-To') === `<${sent.messageId}>`,
        ),
      'the acknowledgment',
    );
    const ticketNumber = ack.subject.match(/^\[(LSUN-\d{4}-\d{5})\]/)?.[1];
    expect(ticketNumber).toBeDefined();
    expect(ack.subject).toBe(`[${ticketNumber}] LSUN : impossible d’éditer les bulletins`);
    expect(ack.from).toContain('assistance1d@ac-dijon.fr');
    expect(ack.body.text).toContain('Les Tilleuls');
    expect(headerOf(ack, 'Auto-Submitted')).toBe('auto-replied');

    const entry = await eventually(() => intakeEntry(sent.sesMessageId), 'the intake entry');
    expect(entry).toMatchObject({
      outcome: 'ticket_created',
      ticketNumber,
      from: 'camille.martin@ac-dijon.fr',
    });

    const ticket = await api(`/api/tickets/${ticketNumber}`);
    expect(ticket.status).toBe(200);
    expect(ticket.body).toMatchObject({ number: ticketNumber, status: 'nouveau' });
    expect((ticket.body.messages as Array<{ direction: string }>).map((m) => m.direction)).toEqual([
      'in',
      'out',
    ]);

    const list = await api('/api/tickets');
    expect((list.body.items as Array<{ number: string }>).map((t) => t.number)).toContain(ticketNumber);
    expect(list.body).toHaveProperty('nextCursor');
  });

  it('records an unsigned mail claiming the academic domain from an unauthorised host as not authenticated, and answers nothing', async () => {
    const sent = await sendTestMail({
      port: desk.smtpPort,
      sourceAddress: '127.0.0.1',
      from: 'paul.durand@ac-dijon.fr',
      to: 'assistance.1erdegre@ac-dijon.fr',
      subject: 'LSUN urgent',
      text: 'Cliquez ici.',
    });
    const entry = await eventually(() => intakeEntry(sent.sesMessageId), 'the intake entry');
    expect(entry.outcome).toBe('not_authenticated');
    expect(await sentMails(desk.endpoints.ses, 'paul.durand@ac-dijon.fr')).toEqual([]);
  });

  it('accepts a mail signed with the dev DKIM key from any local host', async () => {
    const sent = await sendTestMail({
      port: desk.smtpPort,
      sourceAddress: '127.0.0.1',
      dkimSign: true,
      from: 'camille.martin@ac-dijon.fr',
      to: 'assistance1d@ac-dijon.fr',
      subject: 'LSUN signé',
    });
    const entry = await eventually(async () => {
      const found = await intakeEntry(sent.sesMessageId);
      return found?.ticketNumber ? found : undefined;
    }, 'the ticket');
    expect(entry.outcome).toBe('ticket_created');
  });
});

describe('staff accepting a held mail into a ticket', () => {
  it('opens the ticket of a mail from an academic sender outside the directory, with the normal acknowledgment, once', async () => {
    // Prepare: a mail turned away as not from a director (it got the explanatory reply).
    const sent = await sendTestMail({
      port: desk.smtpPort,
      from: 'Jeanne Remplacante <jeanne.remplacante@ac-dijon.fr>',
      to: 'assistance1d@ac-dijon.fr',
      subject: 'LSUN : je remplace la directrice',
    });
    const held = await eventually(() => intakeEntry(sent.sesMessageId), 'the intake entry');
    expect(held.outcome).toBe('not_director');

    // Act
    const accepted = await api(`/api/intake/${sent.sesMessageId}/accept`, agentToken, { method: 'POST' });

    // Assess
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ outcome: 'ticket_created', acceptedBy: 'agent@ac-dijon.fr' });
    const entry = await eventually(async () => {
      const found = await intakeEntry(sent.sesMessageId);
      return found?.ticketNumber ? found : undefined;
    }, 'the ticket number');
    const ack = await eventually(
      async () =>
        (await sentMails(desk.endpoints.ses, 'jeanne.remplacante@ac-dijon.fr')).find((mail) =>
          mail.subject.startsWith(`[${entry.ticketNumber}]`),
        ),
      'the acknowledgment',
    );
    expect(ack.body.text).toContain(entry.ticketNumber);

    const again = await api(`/api/intake/${sent.sesMessageId}/accept`, agentToken, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'not_acceptable' } });
  });

  it('refuses to accept a mail refused for a reason staff cannot waive', async () => {
    const sent = await sendTestMail({
      port: desk.smtpPort,
      from: 'someone@example.org',
      to: 'assistance1d@ac-dijon.fr',
      subject: 'LSUN',
    });
    await eventually(() => intakeEntry(sent.sesMessageId), 'the intake entry');
    const refused = await api(`/api/intake/${sent.sesMessageId}/accept`, agentToken, { method: 'POST' });
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.body)).toContain('Expéditeur non authentifié');
  });

  it('answers 404 for a mail that is not in the log', async () => {
    const missing = await api('/api/intake/inconnu/accept', agentToken, { method: 'POST' });
    expect(missing.status).toBe(404);
  });
});

describe('the staff API', () => {
  it('refuses a call without a token, in JSON', async () => {
    const response = await fetch(`${desk.httpUrl}/api/intake`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
  });

  it('filters the intake log by outcome', async () => {
    const { status, body } = await api('/api/intake?outcome=not_authenticated');
    expect(status).toBe(200);
    const outcomes = (body.items as IntakeEntry[]).map((entry) => entry.outcome);
    expect(outcomes.length).toBeGreaterThan(0);
    expect(new Set(outcomes)).toEqual(new Set(['not_authenticated']));
  });

  it('answers 400 in French for an unknown outcome filter', async () => {
    const { status, body } = await api('/api/intake?outcome=perdu');
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toMatch(/invalide/i);
  });

  it('answers 404 in French for a ticket that does not exist', async () => {
    const { status, body } = await api('/api/tickets/LSUN-1999-00001');
    expect(status).toBe(404);
    expect(body).toMatchObject({ error: { code: 'ticket_not_found' } });
  });

  it('imports a directory file: a dry run changes nothing, then apply loads it; agents may not import', async () => {
    const csv = [
      'uai;ecole;commune;circonscription;departement;civilite;nom;prenom;email',
      '0580001L;École primaire du Bourg;Nevers;Nevers 1;58;M.;Neuf;Arnaud;arnaud.neuf@ac-dijon.fr',
      '0580001X;École fautive;Nevers;Nevers 1;58;M.;Faux;Jean;jean.faux@ac-dijon.fr',
    ].join('\n');
    const post = (query: string, token: string) =>
      api(`/api/directory/import${query}`, token, {
        method: 'POST',
        body: csv,
        headers: { 'content-type': 'text/csv; charset=utf-8' },
      });

    expect((await post('', agentToken)).status).toBe(403);

    const dryRun = await post('', adminToken);
    expect(dryRun.status).toBe(200);
    expect(dryRun.body).toMatchObject({ added: 1, applied: false });
    expect(dryRun.body.rejected).toEqual([{ line: 3, reason: expect.stringMatching(/UAI/) }]);

    const applied = await post('?apply=true', adminToken);
    expect(applied.body).toMatchObject({ added: 1, applied: true });
    const again = await post('', adminToken);
    expect(again.body).toMatchObject({ added: 0 });
  });
});
