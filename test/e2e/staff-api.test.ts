/**
 * The console's API end to end, through `npm start`'s own stack (`startDesk`): tickets opened
 * by real SMTP mails, then listed, read, answered (the reply leaves through the SES stand-in,
 * threaded, tag kept), moved, assigned and annotated over HTTP with local tokens; each route's
 * refusals (401 without token, 403 without a staff group, 400 in French, 404, 409).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendTestMail } from '#local/send-mail.ts';
import type { RunningDesk } from '#local/stack.ts';
import {
  Dashboard,
  DownloadLink,
  IntakeDetail,
  IntakePage,
  Me,
  NoteResult,
  ReplyResult,
  TicketActionResult,
  TicketDetail,
  TicketPage,
} from '#shared/api/contract.ts';
import { parisDay } from '#shared/domain/paris-day.ts';
import { headerOf, type SentMail, sentMails } from '../support/outbox.ts';
import { eventually, outboxDrained, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let desk: RunningDesk;
let agentToken: string;
let adminToken: string;
let noGroupToken: string;
/** Opened by Camille Martin (Les Tilleuls, Dijon, 21) writing to the second desk address, with an attachment. */
let dijon: { number: string; messageId: string; sesMessageId: string };
/** Opened by Virginie Marchand (Varennes-Vauzelles, 58). */
let nevers: { number: string; sesMessageId: string };

const ATTACHMENT = Buffer.from('%PDF-1.4\n% relevé de notes\n', 'utf8');

/** Calls the API as the token's holder; `null` calls it without a token. */
async function call(pathAndQuery: string, token: string | null = agentToken, init: RequestInit = {}) {
  const response = await fetch(`${desk.httpUrl}${pathAndQuery}`, {
    ...init,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...(init.headers ?? {}),
    },
  });
  return response;
}

async function api(pathAndQuery: string, token: string | null = agentToken, init: RequestInit = {}) {
  const response = await call(pathAndQuery, token, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const post = (pathAndQuery: string, body: unknown, token = agentToken) =>
  api(pathAndQuery, token, { method: 'POST', body: JSON.stringify(body) });

/** Opens a ticket by mail and waits for its acknowledgment; returns its number. */
async function openByMail(
  from: string,
  to: string,
  subject: string,
  extra: Partial<Parameters<typeof sendTestMail>[0]> = {},
) {
  const address = from.match(/<(.+)>/)?.[1] ?? from;
  const sent = await sendTestMail({
    port: desk.smtpPort,
    from,
    to,
    subject,
    text: 'Bonjour, pouvez-vous m’aider ?',
    ...extra,
  });
  const ack = await eventually<SentMail>(
    async () =>
      (await sentMails(desk.endpoints.ses, address)).find(
        (mail) => headerOf(mail, 'In-Reply-To') === `<${sent.messageId}>`,
      ),
    `the acknowledgment to ${address}`,
  );
  const number = ack.subject.match(/^\[(LSUN-\d{4}-\d{5})\]/)?.[1] ?? '';
  return { number, messageId: sent.messageId, sesMessageId: sent.sesMessageId };
}

beforeAll(async () => {
  stack = await startTestStack();
  desk = stack.desk;
  agentToken = await stack.token('agent@ac-dijon.fr', ['agent']);
  adminToken = await stack.token('admin@ac-dijon.fr', ['admin']);
  noGroupToken = await stack.token('visiteur@ac-dijon.fr', []);
  dijon = await openByMail(
    'Camille Martin <camille.martin@ac-dijon.fr>',
    'assistance.1erdegre@ac-dijon.fr',
    'LSUN : édition des livrets impossible',
    { attachments: [{ filename: 'relevé été.pdf', content: ATTACHMENT, contentType: 'application/pdf' }] },
  );
  nevers = await openByMail(
    'Virginie Marchand <virginie.marchand@ac-dijon.fr>',
    'assistance1d@ac-dijon.fr',
    'LSUN : accès refusé',
  );
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('refusals common to every route', () => {
  const routes: Array<[string, string]> = [
    ['GET', '/api/me'],
    ['GET', '/api/dashboard'],
    ['GET', '/api/tickets'],
    ['GET', '/api/tickets/LSUN-2026-00001'],
    ['POST', '/api/tickets/LSUN-2026-00001/reply'],
    ['POST', '/api/tickets/LSUN-2026-00001/status'],
    ['POST', '/api/tickets/LSUN-2026-00001/assign'],
    ['POST', '/api/tickets/LSUN-2026-00001/notes'],
    ['GET', '/api/tickets/LSUN-2026-00001/messages/x/raw'],
    ['GET', '/api/tickets/LSUN-2026-00001/messages/x/attachments/0'],
    ['GET', '/api/intake'],
    ['GET', '/api/intake/x'],
    ['GET', '/api/intake/x/raw'],
  ];

  it.each(routes)('%s %s answers 401 without a token', async (method, route) => {
    const response = await call(route, null, { method });
    expect(response.status).toBe(401);
  });

  it.each(routes)(
    '%s %s answers 403 in French to a signed-in person outside the staff groups',
    async (method, route) => {
      const { status, body } = await api(route, noGroupToken, {
        method,
        ...(method === 'POST' ? { body: '{}' } : {}),
      });
      expect(status).toBe(403);
      expect(body).toMatchObject({ error: { code: 'forbidden', message: expect.stringMatching(/droits/) } });
    },
  );
});

describe('GET /api/me', () => {
  it('tells the console who is signed in, with a name to sign replies with', async () => {
    const { status, body } = await api('/api/me');
    expect(status).toBe(200);
    expect(Me.parse(body)).toEqual({ email: 'agent@ac-dijon.fr', name: 'Agent', groups: ['agent'] });
  });

  it('lets an administrator use the agents’ routes', async () => {
    expect((await api('/api/tickets', adminToken)).status).toBe(200);
    expect(Me.parse((await api('/api/me', adminToken)).body).groups).toEqual(['admin']);
  });
});

describe('GET /api/tickets', () => {
  const numbers = async (query: string) => {
    const { status, body } = await api(`/api/tickets?${query}`);
    expect(status).toBe(200);
    return TicketPage.parse(body).items.map((ticket) => ticket.number);
  };

  it('filters by département, school, circonscription, free text and status', async () => {
    expect(await numbers('departement=58')).toEqual([nevers.number]);
    expect(await numbers('uai=0211234c')).toEqual([dijon.number]);
    expect(await numbers('circonscription=dijon%20centre')).toEqual([dijon.number]);
    expect(await numbers('q=tilleuls')).toEqual([dijon.number]);
    expect(await numbers(`q=${nevers.number}`)).toEqual([nevers.number]);
    expect(await numbers('status=nouveau,en_cours&sort=created&order=asc')).toEqual(
      expect.arrayContaining([dijon.number, nevers.number]),
    );
  });

  it('filters by period of creation in Paris days', async () => {
    const today = parisDay(new Date());
    expect(await numbers(`from=${today}&to=${today}`)).toEqual(
      expect.arrayContaining([dijon.number, nevers.number]),
    );
    expect(await numbers('from=2020-01-01&to=2020-12-31')).toEqual([]);
  });

  it('pages with a cursor, each ticket once', async () => {
    const first = TicketPage.parse((await api('/api/tickets?limit=1&sort=updated')).body);
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = TicketPage.parse(
      (await api(`/api/tickets?limit=1&sort=updated&cursor=${first.nextCursor}`)).body,
    );
    expect(second.items).toHaveLength(1);
    expect(second.items[0]?.number).not.toBe(first.items[0]?.number);
  });

  it('answers 400 in French for bad filters and forged cursors', async () => {
    const departement = await api('/api/tickets?departement=Côte-d’Or');
    expect(departement.status).toBe(400);
    expect(departement.body).toMatchObject({
      error: { code: 'invalid_query', message: expect.stringMatching(/Département attendu/) },
    });
    const period = await api('/api/tickets?from=2026-03-10&to=2026-03-01');
    expect(JSON.stringify(period.body)).toContain('La date de début doit précéder la date de fin.');
    const day = await api('/api/tickets?from=2026-02-30');
    expect(JSON.stringify(day.body)).toContain("Cette date n'existe pas.");
    const cursor = await api('/api/tickets?cursor=eyJ4IjoxfQ');
    expect(cursor).toMatchObject({ status: 400, body: { error: { code: 'invalid_cursor' } } });
  });
});

describe('GET /api/tickets/{number}', () => {
  it('shows the conversation, the history and the director the directory recognises', async () => {
    const { status, body } = await api(`/api/tickets/${dijon.number}`);
    expect(status).toBe(200);
    const detail = TicketDetail.parse(body);
    expect(detail.messages.map((entry) => (entry.kind === 'message' ? entry.direction : 'note'))).toEqual([
      'in',
      'out',
    ]);
    expect(detail.messages[0]).toMatchObject({
      kind: 'message',
      attachments: [{ filename: 'relevé été.pdf' }],
    });
    expect(detail.history[0]).toMatchObject({ action: 'opened', actor: 'camille.martin@ac-dijon.fr' });
    expect(detail.director).toMatchObject({ email: 'camille.martin@ac-dijon.fr' });
    expect(detail.schools.map((school) => school.uai)).toEqual(['0211234C']);
  });

  it('answers 400 in French for a malformed number and 404 for an unknown one', async () => {
    const malformed = await api('/api/tickets/42');
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(malformed.body)).toContain('Numéro de ticket attendu');
    expect((await api('/api/tickets/LSUN-1999-00001')).body).toMatchObject({
      error: { code: 'ticket_not_found' },
    });
  });
});

describe('downloads of a ticket’s mail', () => {
  it('gives a link to the raw mail, a message/rfc822 attachment, and its bytes to the reader', async () => {
    const { body } = await api(`/api/tickets/${dijon.number}/messages/${dijon.sesMessageId}/raw`);
    const response = await fetch(DownloadLink.parse(body).url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('message/rfc822');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename=".+\.eml"/);
    expect(await response.text()).toContain(`Message-ID: <${dijon.messageId}>`);
    const content = await call(`/api/tickets/${dijon.number}/messages/${dijon.sesMessageId}/raw/content`);
    expect(await content.text()).toContain(`Message-ID: <${dijon.messageId}>`);
  });

  it('gives a link to an attachment’s bytes with its type and a safe file name', async () => {
    const { body } = await api(`/api/tickets/${dijon.number}/messages/${dijon.sesMessageId}/attachments/0`);
    const response = await fetch(DownloadLink.parse(body).url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="releve ete.pdf"; filename*=UTF-8''relev%C3%A9%20%C3%A9t%C3%A9.pdf`,
    );
    expect(Buffer.from(await response.arrayBuffer())).toEqual(ATTACHMENT);
  });

  it('answers 404 for an attachment that does not exist and for a mail the desk sent', async () => {
    const missing = await api(`/api/tickets/${dijon.number}/messages/${dijon.sesMessageId}/attachments/3`);
    expect(missing.body).toMatchObject({ error: { code: 'attachment_not_found' } });
    const sent = await api(`/api/tickets/${dijon.number}/messages/${dijon.sesMessageId}.ack/raw`);
    expect(sent).toMatchObject({ status: 404, body: { error: { code: 'no_raw_mail' } } });
  });
});

describe('POST /api/tickets/{number}/reply', () => {
  it('mails the director once, from the address written to, threaded, the tag kept, and waits for the director', async () => {
    // Act: a double click.
    const requestId = 'reponse-0001';
    const body = { text: 'Bonjour,\nIl faut d’abord valider les compétences.', requestId };
    const first = await post(`/api/tickets/${dijon.number}/reply`, body);
    const again = await post(`/api/tickets/${dijon.number}/reply`, body);

    // Assess
    expect(first.status).toBe(202);
    const result = ReplyResult.parse(first.body);
    expect(ReplyResult.parse(again.body).message.id).toBe(result.message.id);
    expect(result.ticket.status).toBe('en_attente');
    expect(result.history).toMatchObject({
      action: 'reply',
      actor: 'agent@ac-dijon.fr',
      from: 'nouveau',
      to: 'en_attente',
    });
    const reply = await eventually(
      async () =>
        (await sentMails(desk.endpoints.ses, 'camille.martin@ac-dijon.fr')).find((mail) =>
          mail.subject.startsWith('Re: '),
        ),
      'the staff reply',
    );
    expect(reply.subject).toBe(`Re: [${dijon.number}] LSUN : édition des livrets impossible`);
    expect(reply.from).toContain('assistance.1erdegre@ac-dijon.fr');
    expect(headerOf(reply, 'In-Reply-To')).toBe(`<${dijon.messageId}>`);
    expect(headerOf(reply, 'References')).toBe(
      `<${dijon.messageId}> <${dijon.number.toLowerCase()}@assistance-lsun.invalid>`,
    );
    expect(headerOf(reply, 'Auto-Submitted')).toBeUndefined();
    expect(reply.body.text).toContain('Il faut d’abord valider les compétences.');
    expect(reply.body.text).toContain('Agent\nAssistance LSUN');
    await outboxDrained(desk);
    const replies = (await sentMails(desk.endpoints.ses, 'camille.martin@ac-dijon.fr')).filter((mail) =>
      mail.subject.startsWith('Re: '),
    );
    expect(replies).toHaveLength(1);
    const detail = TicketDetail.parse((await api(`/api/tickets/${dijon.number}`)).body);
    expect(
      detail.messages.filter((entry) => entry.kind === 'message' && entry.purpose === 'staff_reply'),
    ).toEqual([expect.objectContaining({ author: 'agent@ac-dijon.fr', status: 'sent' })]);
    expect(detail.answeredAt).toBeDefined();
  });

  it('answers 400 in French for an empty text and 404 for an unknown ticket', async () => {
    const empty = await post(`/api/tickets/${nevers.number}/reply`, { text: '   ' });
    expect(empty.status).toBe(400);
    expect(JSON.stringify(empty.body)).toContain('Le texte ne peut pas être vide.');
    const missing = await post('/api/tickets/LSUN-1999-00001/reply', { text: 'Bonjour' });
    expect(missing.status).toBe(404);
  });
});

describe('status, assignment and notes', () => {
  it('changes the status, recording who and from what to what, and refuses an unknown status in French', async () => {
    const changed = await post(`/api/tickets/${nevers.number}/status`, { status: 'en_cours' });
    expect(changed.status).toBe(200);
    expect(TicketActionResult.parse(changed.body)).toMatchObject({
      ticket: { status: 'en_cours' },
      history: { action: 'status', actor: 'agent@ac-dijon.fr', from: 'nouveau', to: 'en_cours' },
    });
    const same = TicketActionResult.parse(
      (await post(`/api/tickets/${nevers.number}/status`, { status: 'en_cours' })).body,
    );
    expect(same.history).toBeNull();
    const unknown = await post(`/api/tickets/${nevers.number}/status`, { status: 'ferme' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: { code: 'invalid_body' } });
  });

  it('assigns a ticket, which the list then finds by assignee, and refuses an address that is not one', async () => {
    const assigned = await post(`/api/tickets/${nevers.number}/assign`, { assignee: 'Agent@ac-dijon.fr' });
    expect(assigned.status).toBe(200);
    expect(TicketActionResult.parse(assigned.body).ticket.assignee).toBe('agent@ac-dijon.fr');
    const list = TicketPage.parse((await api('/api/tickets?assignee=agent@ac-dijon.fr')).body);
    expect(list.items.map((ticket) => ticket.number)).toEqual([nevers.number]);
    const bad = await post(`/api/tickets/${nevers.number}/assign`, { assignee: 'quelqu’un' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('Adresse électronique invalide.');
  });

  it('keeps an internal note on the ticket and mails nothing', async () => {
    const note = await post(`/api/tickets/${nevers.number}/notes`, {
      text: 'Note interne : rappeler l’IEN.',
    });
    expect(note.status).toBe(201);
    expect(NoteResult.parse(note.body).note).toMatchObject({ author: 'agent@ac-dijon.fr' });
    const detail = TicketDetail.parse((await api(`/api/tickets/${nevers.number}`)).body);
    expect(detail.messages.filter((entry) => entry.kind === 'note')).toHaveLength(1);
    await outboxDrained(desk);
    const mails = await sentMails(desk.endpoints.ses);
    expect(mails.some((mail) => (mail.body.text ?? '').includes('rappeler l’IEN'))).toBe(false);
  });

  it('refuses a reply on a closed ticket with 409, until it is reopened', async () => {
    await post(`/api/tickets/${nevers.number}/status`, { status: 'clos' });
    const refused = await post(`/api/tickets/${nevers.number}/reply`, { text: 'Encore une chose.' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      error: { code: 'ticket_closed', message: expect.stringMatching(/clos/) },
    });
    const reopened = await post(`/api/tickets/${nevers.number}/status`, { status: 'en_cours' });
    expect(TicketActionResult.parse(reopened.body).ticket.closedAt).toBeUndefined();
  });
});

describe('the intake log', () => {
  it('filters by period and shows one mail with its automatic reply, and its raw mail', async () => {
    const today = parisDay(new Date());
    const todays = IntakePage.parse((await api(`/api/intake?from=${today}&to=${today}&limit=100`)).body);
    expect(todays.items.map((entry) => entry.sesMessageId)).toContain(dijon.sesMessageId);
    expect(IntakePage.parse((await api('/api/intake?from=2020-01-01&to=2020-01-31')).body).items).toEqual([]);

    const sent = await sendTestMail({
      port: desk.smtpPort,
      from: 'camille.martin@ac-dijon.fr',
      to: 'assistance1d@ac-dijon.fr',
      subject: 'Question sur les bulletins',
    });
    const detail = await eventually(async () => {
      const { status, body } = await api(`/api/intake/${sent.sesMessageId}`);
      return status === 200 ? IntakeDetail.parse(body) : undefined;
    }, 'the intake entry');
    expect(detail.entry.outcome).toBe('no_keyword');
    expect(detail.reply).toMatchObject({ purpose: 'no_keyword', to: 'camille.martin@ac-dijon.fr' });
    const link = DownloadLink.parse((await api(`/api/intake/${sent.sesMessageId}/raw`)).body);
    const raw = await fetch(link.url);
    expect(raw.headers.get('content-type')).toBe('message/rfc822');
    expect(await raw.text()).toContain('Subject: Question sur les bulletins');
  });

  it('answers 404 for an unknown mail and 400 in French for a bad period', async () => {
    expect((await api('/api/intake/inconnu')).body).toMatchObject({ error: { code: 'mail_not_found' } });
    expect((await api('/api/intake/inconnu/raw')).status).toBe(404);
    const bad = await api('/api/intake?from=01/03/2026');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('Date attendue au format AAAA-MM-JJ.');
  });
});

describe('GET /api/dashboard', () => {
  it("counts today's requests, the open tickets and lists those nobody has answered yet", async () => {
    const { status, body } = await api('/api/dashboard');
    expect(status).toBe(200);
    const dashboard = Dashboard.parse(body);
    expect(dashboard.requests.today.ticketsOpened).toBeGreaterThanOrEqual(2);
    expect(dashboard.openTickets.byDepartement['58']).toBeGreaterThanOrEqual(1);
    expect(dashboard.intakeByDay).toHaveLength(30);
    const unanswered = dashboard.oldestUnanswered.map((ticket) => ticket.number);
    expect(unanswered).toContain(nevers.number);
    expect(unanswered).not.toContain(dijon.number);
  });
});
