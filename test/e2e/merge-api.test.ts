/**
 * Merging tickets over HTTP, through `npm start`'s own stack: two tickets opened by real SMTP
 * mails, one merged into the other (`POST /api/tickets/{number}/merge`), the merged one's page
 * then says `mergedInto`, and a later reply carrying its tag lands in the target; each refusal
 * answers its status with a French reason (422 into itself, 409 already merged, target closed or
 * merged, 404 unknown, 400 bad body).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendTestMail } from '#local/send-mail.ts';
import type { RunningDesk } from '#local/stack.ts';
import { TicketDetail } from '#shared/api/contract.ts';
import { MergeResult } from '#shared/api/merge-contract.ts';
import { headerOf, type SentMail, sentMails } from '../support/outbox.ts';
import { eventually, startTestStack, type TestStack } from '../support/stack.ts';

const CAMILLE = 'Camille Martin <camille.martin@ac-dijon.fr>';
let stack: TestStack;
let desk: RunningDesk;
let agentToken: string;

async function api(path: string, init: RequestInit = {}) {
  const response = await fetch(`${desk.httpUrl}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${agentToken}`,
      ...(init.body ? { 'content-type': 'application/json' } : {}),
    },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const merge = (number: string, body: unknown) =>
  api(`/api/tickets/${number}/merge`, { method: 'POST', body: JSON.stringify(body) });

/** Opens a ticket by mail and waits for its acknowledgment; returns its number. */
async function openByMail(subject: string): Promise<string> {
  const sent = await sendTestMail({
    port: desk.smtpPort,
    from: CAMILLE,
    to: 'assistance1d@ac-dijon.fr',
    subject,
    text: 'Bonjour, pouvez-vous m’aider ?',
  });
  const ack = await eventually<SentMail>(
    async () =>
      (await sentMails(desk.endpoints.ses, 'camille.martin@ac-dijon.fr')).find(
        (mail) => headerOf(mail, 'In-Reply-To') === `<${sent.messageId}>`,
      ),
    'the acknowledgment',
  );
  return ack.subject.match(/^\[(LSUN-\d{4}-\d{5})\]/)?.[1] ?? '';
}

let target: string;
let duplicate: string;
let other: string;

beforeAll(async () => {
  stack = await startTestStack();
  desk = stack.desk;
  agentToken = await stack.token('agent@ac-dijon.fr', ['agent']);
  target = await openByMail('LSUN : livrets introuvables');
  duplicate = await openByMail('LSUN : livrets introuvables (relance)');
  other = await openByMail('LSUN : autre question');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('POST /api/tickets/{number}/merge', () => {
  it('refuses a merge into the ticket itself with a 422 in French', async () => {
    // Act
    const { status, body } = await merge(duplicate, { into: duplicate });
    // Assess
    expect(status).toBe(422);
    expect(body).toMatchObject({
      error: { code: 'merge_into_self', message: expect.stringMatching(/lui-même/) },
    });
  });

  it('refuses an unknown target with a 404 and a bad body with a 400', async () => {
    // Act
    const unknown = await merge(duplicate, { into: 'LSUN-2026-99999' });
    const bad = await merge(duplicate, { into: 'ticket 12' });
    // Assess
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: 'ticket_not_found' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('Numéro de ticket attendu');
  });

  it('merges the duplicate into the target, whose page then holds its mails, and says so on the merged one', async () => {
    // Prepare
    const before = TicketDetail.parse((await api(`/api/tickets/${duplicate}`)).body);

    // Act
    const { status, body } = await merge(duplicate, { into: target });

    // Assess
    expect(status).toBe(200);
    const result = MergeResult.parse(body);
    expect(result.ticket).toMatchObject({ number: duplicate, status: 'clos', mergedInto: target });
    expect(result.history).toMatchObject({
      action: 'merge',
      actor: 'agent@ac-dijon.fr',
      from: duplicate,
      to: target,
    });
    const merged = TicketDetail.parse((await api(`/api/tickets/${duplicate}`)).body);
    expect(merged.mergedInto).toBe(target);
    expect(merged.messages).toEqual([]);
    const kept = TicketDetail.parse((await api(`/api/tickets/${target}`)).body);
    expect(kept.number).toBe(target);
    expect(kept.mergedInto).toBeUndefined();
    expect(kept.messages.map((entry) => entry.id)).toEqual(
      expect.arrayContaining(before.messages.map((entry) => entry.id)),
    );
    expect(kept.history.filter((line) => line.action === 'merge')).toHaveLength(1);
  });

  it('answers the same merge asked again without writing it twice', async () => {
    // Act
    const { status, body } = await merge(duplicate, { into: target });
    // Assess
    expect(status).toBe(200);
    expect(MergeResult.parse(body)).toMatchObject({ history: null, moved: 0 });
  });

  it('refuses a ticket already merged elsewhere, and a merged target, with a 409 in French', async () => {
    // Act
    const again = await merge(duplicate, { into: other });
    const intoMerged = await merge(other, { into: duplicate });
    // Assess
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      error: { code: 'ticket_already_merged', message: expect.stringMatching(/déjà été fusionné dans/) },
    });
    expect(intoMerged.status).toBe(409);
    expect(intoMerged.body).toMatchObject({ error: { code: 'merge_target_merged' } });
  });

  it('refuses to reopen, assign or annotate the merged ticket, whose mails live on in the target', async () => {
    // Act
    const reopen = await api(`/api/tickets/${duplicate}/status`, {
      method: 'POST',
      body: JSON.stringify({ status: 'en_cours' }),
    });
    const assign = await api(`/api/tickets/${duplicate}/assign`, {
      method: 'POST',
      body: JSON.stringify({ assignee: 'agent@ac-dijon.fr' }),
    });
    const note = await api(`/api/tickets/${duplicate}/notes`, {
      method: 'POST',
      body: JSON.stringify({ text: 'Une note perdue' }),
    });
    // Assess
    for (const refused of [reopen, assign, note]) {
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        error: {
          code: 'ticket_already_merged',
          message: `Le ticket ${duplicate} a déjà été fusionné dans ${target}.`,
        },
      });
    }
  });

  it('refuses a closed target with a 409 in French', async () => {
    // Prepare
    const closed = await openByMail('LSUN : question close');
    await api(`/api/tickets/${closed}/status`, { method: 'POST', body: JSON.stringify({ status: 'clos' }) });
    // Act
    const { status, body } = await merge(other, { into: closed });
    // Assess
    expect(status).toBe(409);
    expect(body).toMatchObject({
      error: { code: 'merge_target_closed', message: expect.stringMatching(/rouvrez-le/) },
    });
  });

  it('adds a later reply carrying the merged ticket’s tag to the target', async () => {
    // Act
    const sent = await sendTestMail({
      port: desk.smtpPort,
      from: CAMILLE,
      to: 'assistance1d@ac-dijon.fr',
      subject: `Re: [${duplicate}] LSUN : livrets introuvables (relance)`,
      text: 'Toujours rien, merci de votre aide.',
    });
    // Assess
    const kept = await eventually(async () => {
      const detail = TicketDetail.parse((await api(`/api/tickets/${target}`)).body);
      return detail.messages.some((entry) => entry.id === sent.sesMessageId) ? detail : undefined;
    }, 'the reply on the target');
    expect(kept.number).toBe(target);
  });
});
