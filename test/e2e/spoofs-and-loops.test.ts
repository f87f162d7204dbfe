/**
 * Issue 11, « spoofs and loops », end to end through `npm start`'s own stack: every mail of the
 * corpus (`test/support/spoofs-and-loops.ts`) goes over SMTP into the local desk, whose receiver
 * computes SPF, DKIM and DMARC for real against the DNS fixture. None may open a ticket or get a
 * reply, and each one's outcome must be in the intake log staff read. A director's ordinary mail
 * and a real reply to its acknowledgment go first, and must still work.
 *
 *   npx vitest run test/e2e/spoofs-and-loops.test.ts
 *
 * prints the figures (mails per family, tickets, replies) at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendTestMail } from '#local/send-mail.ts';
import type { IntakeDetail } from '#shared/domain/intake-reply.ts';
import type { IntakeEntry } from '#shared/domain/records.ts';
import { headerOf, type SentMail, sentMails } from '../support/outbox.ts';
import {
  CORPUS,
  type CorpusCase,
  type CorpusContext,
  DESK,
  DIRECTOR,
  DIRECTOR_NAME,
  sendHostileMail,
} from '../support/spoofs-and-loops.ts';
import { eventually, outboxDrained, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let agentToken: string;
let context: CorpusContext | undefined;
/** What the desk had done before the corpus: the regression's ticket and its acknowledgment. */
let before: { tickets: string[]; replies: number } | undefined;
const outcomes: Array<{ item: CorpusCase; entry: IntakeEntry }> = [];

beforeAll(async () => {
  stack = await startTestStack();
  agentToken = await stack.token('agent@ac-dijon.fr', ['agent']);
});

afterAll(async () => {
  await stack?.stop();
});

async function api<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${stack.desk.httpUrl}${path}`, {
    headers: { authorization: `Bearer ${agentToken}` },
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** The intake entry of a mail once screened (and, for a new ticket, once its number is set). */
async function screened(sesMessageId: string, settled = (_: IntakeEntry) => true): Promise<IntakeEntry> {
  return eventually(async () => {
    const { status, body } = await api<IntakeDetail>(`/api/intake/${sesMessageId}`);
    return status === 200 && settled(body.entry) ? body.entry : undefined;
  }, `the intake entry of ${sesMessageId}`);
}

async function ticketNumbers(): Promise<string[]> {
  const { body } = await api<{ items: Array<{ number: string }> }>('/api/tickets?limit=100');
  return body.items.map((ticket) => ticket.number).sort();
}

describe('a director’s ordinary mail, before the corpus', () => {
  it('still opens a ticket and gets its acknowledgment', async () => {
    // Act
    const sent = await sendTestMail({
      port: stack.desk.smtpPort,
      from: `${DIRECTOR_NAME} <${DIRECTOR}>`,
      to: DESK,
      subject: 'LSUN : bulletins',
      text: 'Bonjour, les bulletins du deuxième trimestre ne s’éditent pas.',
      dkimSign: true,
    });

    // Assess
    const entry = await screened(sent.sesMessageId, (found) => found.ticketNumber !== undefined);
    expect(entry.outcome).toBe('ticket_created');
    const ticketNumber = entry.ticketNumber ?? '';
    const ack = await eventually<SentMail>(
      async () =>
        (await sentMails(stack.desk.endpoints.ses, DIRECTOR)).find((mail) =>
          mail.subject.startsWith(`[${ticketNumber}]`),
        ),
      'the acknowledgment',
    );
    context = { ack, ticketNumber };
  });

  it('adds a real reply to that acknowledgment to its ticket, and answers nothing', async () => {
    // Prepare
    if (!context) throw new Error('the regression ticket was not opened');
    const { ack, ticketNumber } = context;

    // Act: what a mail client writes when the director answers the acknowledgment.
    const sent = await sendTestMail({
      port: stack.desk.smtpPort,
      from: `${DIRECTOR_NAME} <${DIRECTOR}>`,
      to: DESK,
      subject: `RE: ${ack.subject}`,
      text: 'Voici la capture d’écran demandée.',
      inReplyTo: headerOf(ack, 'In-Reply-To') ?? '',
      references: (headerOf(ack, 'References') ?? '').split(/\s+/).filter(Boolean),
      dkimSign: true,
    });

    // Assess
    const entry = await screened(sent.sesMessageId);
    expect(entry).toMatchObject({ outcome: 'follow_up', ticketNumber });
    const ticket = await eventually(async () => {
      const { body } = await api<{ messages: Array<{ direction: string }> }>(`/api/tickets/${ticketNumber}`);
      return body.messages.length === 3 ? body : undefined;
    }, 'the follow-up on the ticket');
    expect(ticket.messages.map((message) => message.direction)).toEqual(['in', 'out', 'in']);
    await outboxDrained(stack.desk);
    before = {
      tickets: await ticketNumbers(),
      replies: (await sentMails(stack.desk.endpoints.ses)).length,
    };
    expect(before).toEqual({ tickets: [ticketNumber], replies: 1 });
  });
});

describe('the corpus of spoofs and loops', () => {
  it.each(CORPUS.map((item) => [`${item.category} · ${item.family} · ${item.name}`, item] as const))(
    '%s: recorded in the intake log, never a ticket',
    async (_, item) => {
      // Prepare
      if (!context) throw new Error('the regression ticket was not opened');

      // Act
      const sesMessageId = await sendHostileMail(stack.desk.smtpPort, item.build(context));

      // Assess
      const entry = await screened(sesMessageId);
      outcomes.push({ item, entry });
      expect({ outcome: entry.outcome, detail: entry.detail }).toEqual({
        outcome: item.expected,
        detail: expect.stringMatching(item.why ?? /\S/),
      });
      expect(entry.ticketNumber).toBeUndefined();
      expect(entry.reply).toBeUndefined();
    },
  );

  it('opened no ticket and sent no reply for any of them', async () => {
    // Prepare
    if (!before) throw new Error('the regression did not run');
    await outboxDrained(stack.desk);

    // Assess
    const tickets = await ticketNumbers();
    const replies = (await sentMails(stack.desk.endpoints.ses)).length;
    const figures = new Map<string, number>();
    for (const { item } of outcomes) {
      const key = `${item.category} · ${item.family}`;
      figures.set(key, (figures.get(key) ?? 0) + 1);
    }
    const lines = [...figures].map(([family, count]) => `  ${family}: ${count}`);
    console.info(
      [
        `spoofs and loops: ${outcomes.length} mails (${CORPUS.filter((c) => c.category === 'spoof').length} spoofs, ${CORPUS.filter((c) => c.category === 'loop').length} loops)`,
        ...lines,
        `  tickets opened by the corpus: ${tickets.length - before.tickets.length}`,
        `  replies sent to the corpus: ${replies - before.replies}`,
      ].join('\n'),
    );
    expect(outcomes).toHaveLength(CORPUS.length);
    expect(tickets).toEqual(before.tickets);
    expect(replies).toBe(before.replies);
  });
});
