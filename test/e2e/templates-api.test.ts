/**
 * Reply templates end to end, through `npm start`'s own stack: shared ones kept by admins (an
 * agent asking for one gets a 403 in French), personal ones seen and changed by their owner only
 * (anyone else gets a 404), an unknown variable refused with its name when saved, and a template
 * rendered for a ticket opened by mail, every variable filled from the ticket and the directory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendTestMail } from '#local/send-mail.ts';
import { RenderedTemplate, ReplyTemplateList, ReplyTemplateView } from '#shared/api/template-contract.ts';
import { headerOf, type SentMail, sentMails } from '../support/outbox.ts';
import { eventually, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let paul: string;
let lea: string;
let admin: string;

beforeAll(async () => {
  stack = await startTestStack();
  paul = await stack.token('paul.durand@ac-dijon.fr', ['agent']);
  lea = await stack.token('lea.petit@ac-dijon.fr', ['agent']);
  admin = await stack.token('admin@ac-dijon.fr', ['admin']);
});
afterAll(async () => {
  await stack?.stop();
});

/** One call of the API; its status and JSON body. */
async function api(token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.desk.httpUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const errorOf = (body: Record<string, unknown>) => body.error as { code: string; message: string };

/** Opens a ticket by mail (as Camille Martin, Les Tilleuls, Dijon, by default) and waits for its acknowledgment. */
async function openTicket(subject: string, from = 'camille.martin@ac-dijon.fr'): Promise<string> {
  const sent = await sendTestMail({
    port: stack.desk.smtpPort,
    from,
    to: 'assistance.1erdegre@ac-dijon.fr',
    subject,
    text: 'Bonjour, les bulletins ne sortent pas.',
  });
  const ack = await eventually<SentMail>(
    async () =>
      (await sentMails(stack.desk.endpoints.ses, from)).find(
        (mail) => headerOf(mail, 'In-Reply-To') === `<${sent.messageId}>`,
      ),
    'the acknowledgment',
  );
  return ack.subject.match(/^\[(LSUN-\d{4}-\d{5})\]/)?.[1] ?? '';
}

describe('shared and personal templates', () => {
  it('refuses a shared template to an agent with a French 403, and keeps it for admins', async () => {
    // Act
    const byAgent = await api(paul, 'POST', '/api/reply-templates', {
      name: 'Partagée',
      text: 'T',
      shared: true,
    });
    const byAdmin = await api(admin, 'POST', '/api/reply-templates', {
      name: 'Partagée',
      text: 'T',
      shared: true,
    });
    // Assess
    expect(byAgent.status).toBe(403);
    expect(errorOf(byAgent.body).message).toMatch(/administrateurs/);
    expect(byAdmin.status).toBe(201);
    const shared = ReplyTemplateView.parse(byAdmin.body);
    expect(
      (await api(paul, 'PUT', `/api/reply-templates/${shared.id}`, { name: 'X', text: 'T', shared: true }))
        .status,
    ).toBe(403);
    expect((await api(paul, 'DELETE', `/api/reply-templates/${shared.id}`)).status).toBe(403);
    const listed = ReplyTemplateList.parse((await api(paul, 'GET', '/api/reply-templates')).body);
    expect(listed.items.find((item) => item.id === shared.id)?.editable).toBe(false);
  });

  it("hides an agent's personal template from everyone else: 404 to read, change or delete it", async () => {
    // Prepare
    const created = await api(paul, 'POST', '/api/reply-templates', {
      name: 'À moi',
      text: 'Bonjour',
      shared: false,
    });
    const mine = ReplyTemplateView.parse(created.body);
    // Act
    const read = await api(lea, 'GET', `/api/reply-templates/${mine.id}`);
    const edit = await api(lea, 'PUT', `/api/reply-templates/${mine.id}`, {
      name: 'Volée',
      text: 'T',
      shared: false,
    });
    const remove = await api(admin, 'DELETE', `/api/reply-templates/${mine.id}`);
    // Assess
    expect([read.status, edit.status, remove.status]).toEqual([404, 404, 404]);
    expect(errorOf(read.body).message).toBe("Cette réponse type n'existe pas.");
    const forLea = ReplyTemplateList.parse((await api(lea, 'GET', '/api/reply-templates')).body);
    expect(forLea.items.map((item) => item.id)).not.toContain(mine.id);
    const edited = await api(paul, 'PUT', `/api/reply-templates/${mine.id}`, {
      name: 'À moi',
      text: 'Re',
      shared: false,
    });
    expect(ReplyTemplateView.parse(edited.body).text).toBe('Re');
    expect((await api(paul, 'DELETE', `/api/reply-templates/${mine.id}`)).status).toBe(200);
    expect((await api(paul, 'GET', `/api/reply-templates/${mine.id}`)).status).toBe(404);
  });

  it('refuses to save an unknown variable, naming it', async () => {
    // Act
    const { status, body } = await api(paul, 'POST', '/api/reply-templates', {
      name: 'Faute',
      text: 'Bonjour {{directeur}}',
      shared: false,
    });
    // Assess
    expect(status).toBe(400);
    expect(errorOf(body).message).toMatch(/Variable inconnue : \{\{directeur\}\}/);
  });
});

describe('rendering for a ticket', () => {
  it('fills every variable from the ticket, the directory and the agent', async () => {
    // Prepare
    const number = await openTicket('LSUN bulletins introuvables');
    const created = await api(admin, 'POST', '/api/reply-templates', {
      name: 'Accueil',
      text: 'Bonjour {{civilite}} {{nom}} ({{prenom}}), pour {{ecole}} ({{uai}}), ticket {{ticket}}. {{agent}}',
      shared: true,
    });
    const { id } = ReplyTemplateView.parse(created.body);
    // Act
    const { status, body } = await api(paul, 'POST', `/api/tickets/${number}/reply-templates/${id}/render`);
    // Assess
    expect(status).toBe(200);
    expect(RenderedTemplate.parse(body).text).toBe(
      `Bonjour Madame Martin (Camille), pour École élémentaire Les Tilleuls (0211234C), ticket ${number}. Paul Durand`,
    );
    const missing = await api(paul, 'POST', `/api/tickets/LSUN-2026-99999/reply-templates/${id}/render`);
    expect(missing.status).toBe(404);
  });

  it("refuses, naming it, a variable the ticket gives no value: a school's mailbox has no director's name", async () => {
    // Prepare
    const number = await openTicket('LSUN export impossible', 'ce.0211234c@ac-dijon.fr');
    const created = await api(paul, 'POST', '/api/reply-templates', {
      name: 'Avec le nom',
      text: 'Bonjour {{civilite}} {{nom}}, pour {{ecole}}',
      shared: false,
    });
    const { id } = ReplyTemplateView.parse(created.body);
    // Act
    const { status, body } = await api(paul, 'POST', `/api/tickets/${number}/reply-templates/${id}/render`);
    // Assess
    expect(status).toBe(422);
    expect(errorOf(body).code).toBe('template_value_missing');
    expect(errorOf(body).message).toMatch(/\{\{civilite\}\}, \{\{nom\}\}/);
    expect(errorOf(body).message).not.toMatch(/ecole/);
  });
});
