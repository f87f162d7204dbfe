/**
 * The written list of `test/infra/role-grants.ts` against what the handlers really call: the
 * local desk runs the real handlers, a recorder on the shared AWS clients notes each request in
 * IAM's terms under the function that made it, and every request must be one its role allows.
 * A grant missing from a construct (hence from the list) fails here before it fails on AWS with
 * AccessDenied.
 *
 * The scenario: mails opening and following up a ticket, the staff reading and answering it,
 * a portal request with an attachment, a broadcast sent, the demo articles exported, the scheduler's ticks running.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { issueClientToken, LOCAL_PORTAL_CLIENT_ID } from '#local/jwt.ts';
import { sendTestMail } from '#local/send-mail.ts';
import { expectedGrants, type FunctionName } from '#test/infra/role-grants.ts';
import { type ObservedCall, observedCalls } from '#test/support/call-recorder.ts';
import { headerOf, type SentMail, sentMails } from '#test/support/outbox.ts';
import { eventually, outboxDrained, startTestStack, type TestStack } from '#test/support/stack.ts';

vi.mock('#functions/receive.ts', async (original) =>
  (await import('#test/support/call-recorder.ts')).attributed('receive', await original()),
);
vi.mock('#functions/screen.ts', async (original) =>
  (await import('#test/support/call-recorder.ts')).attributed('screen', await original()),
);
vi.mock('#functions/ticket.ts', async (original) =>
  (await import('#test/support/call-recorder.ts')).attributed('ticket', await original()),
);
vi.mock('#functions/mailer.ts', async (original) =>
  (await import('#test/support/call-recorder.ts')).attributed('mailer', await original()),
);
vi.mock('#functions/api.ts', async (original) =>
  (await import('#test/support/call-recorder.ts')).attributed('api', await original()),
);
vi.mock('#functions/broadcast-plan.ts', async (original) =>
  (await import('#test/support/call-recorder.ts')).attributed('broadcast-plan', await original()),
);
vi.mock('#functions/broadcast-send.ts', async (original) =>
  (await import('#test/support/call-recorder.ts')).attributed('broadcast-send', await original()),
);
vi.mock('#functions/ses-events.ts', async (original) =>
  (await import('#test/support/call-recorder.ts')).attributed('ses-events', await original()),
);
vi.mock('#functions/ticket-housekeeping.ts', async (original) =>
  (await import('#test/support/call-recorder.ts')).attributed('ticket-housekeeping', await original()),
);
vi.mock('#functions/outbox-sweep.ts', async (original) =>
  (await import('#test/support/call-recorder.ts')).attributed('outbox-sweep', await original()),
);
vi.mock('#functions/kb-export.ts', async (original) =>
  (await import('#test/support/call-recorder.ts')).attributed('kb-export', await original()),
);
vi.mock('#functions/retention-purge.ts', async (original) =>
  (await import('#test/support/call-recorder.ts')).attributed('retention-purge', await original()),
);

const DIRECTOR = 'camille.martin@ac-dijon.fr';

let stack: TestStack;
let admin: string;
/** Every staff call of the scenario that did not succeed: the scenario must do what it says. */
const failedCalls: string[] = [];

async function api(
  method: string,
  path: string,
  body?: unknown,
  token = admin,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${stack.desk.httpUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status >= 300) failedCalls.push(`${method} ${path}: ${response.status}`);
  return { status: response.status, body: await response.json() };
}

/** `raw-mail bucket/incoming/*` as a pattern. */
function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`);
}

/** Whether one entry of the written list (`resource[ if Operator key a|b]`) allows the call. */
function allows(entry: string, call: ObservedCall): boolean {
  const [resource = '', condition] = entry.split(' if ');
  if (!glob(resource).test(call.resource)) return false;
  if (condition === undefined) return true;
  const [operator, key = '', values = ''] = condition.split(' ');
  const value = call.context?.[key];
  if (value === undefined) return false;
  const options = values.split('|');
  if (operator === 'StringEquals') return options.includes(value);
  if (operator === 'StringEqualsIgnoreCase')
    return options.some((option) => option.toLowerCase() === value.toLowerCase());
  if (operator === 'StringLike') return options.some((option) => glob(option).test(value));
  return false;
}

function allowed(call: ObservedCall): boolean {
  const entries = expectedGrants[call.fn as FunctionName]?.[call.action] ?? [];
  return entries.some((entry) => allows(entry, call));
}

beforeAll(async () => {
  // Ticks every 200 ms: the scheduled functions run several times during the scenario.
  stack = await startTestStack({ seedArticles: true, schedulerTickMs: 200 });
  admin = await stack.token('admin@ac-dijon.fr', ['admin']);
  const desk = stack.desk;

  // A mail opens a ticket (receive, screen, ticket with suggestions, mailer)...
  const sent = await sendTestMail({
    port: desk.smtpPort,
    from: `Camille Martin <${DIRECTOR}>`,
    to: 'assistance1d@ac-dijon.fr',
    subject: 'LSUN : bulletins périodiques introuvables',
    text: 'Bonjour, les bulletins du trimestre sont introuvables.',
    attachments: [
      { filename: 'bulletin.pdf', content: Buffer.from('%PDF-1.4\n'), contentType: 'application/pdf' },
    ],
  });
  const ack = await eventually<SentMail>(
    async () =>
      (await sentMails(desk.endpoints.ses, DIRECTOR)).find(
        (mail) => headerOf(mail, 'In-Reply-To') === `<${sent.messageId}>`,
      ),
    'the acknowledgment',
  );
  const number = ack.subject.match(/\[(LSUN-\d{4}-\d{5})\]/)?.[1] ?? '';

  // ... and a follow-up joins it.
  await sendTestMail({
    port: desk.smtpPort,
    from: `Camille Martin <${DIRECTOR}>`,
    to: 'assistance1d@ac-dijon.fr',
    subject: `Re: [${number}] LSUN : bulletins périodiques introuvables`,
    text: 'Je précise : depuis lundi.',
  });
  await eventually(async () => {
    const { body } = await api('GET', `/api/tickets/${number}`);
    return ((body as { messages?: unknown[] }).messages?.length ?? 0) >= 2;
  }, 'the follow-up on the ticket');

  // The staff read and answer (api, then the mailer).
  await api('GET', '/api/dashboard');
  await api('GET', '/api/tickets?status=nouveau,en_cours,en_attente&sort=created&order=asc');
  await api('GET', '/api/intake');
  // Downloads: a link to the raw mail, and to an attachment taken out into downloads/ (twice: reused).
  await api('GET', `/api/tickets/${number}/messages/${sent.sesMessageId}/raw`);
  await api('GET', `/api/tickets/${number}/messages/${sent.sesMessageId}/attachments/0`);
  await api('GET', `/api/tickets/${number}/messages/${sent.sesMessageId}/attachments/0`);
  await api('POST', `/api/tickets/${number}/notes`, { text: 'Vu avec la circonscription.' });
  await api('POST', `/api/tickets/${number}/reply`, {
    text: 'Bonjour, voici la marche à suivre.',
    requestId: 'reponse-0001',
  });
  await api('POST', `/api/tickets/${number}/status`, { status: 'clos' });

  // The portal's way in (api): an upload by presigned PUT, then a request naming it.
  const portal = await issueClientToken(
    { clientId: LOCAL_PORTAL_CLIENT_ID, scopes: ['lsun/portal.write'] },
    { keyPath: stack.jwtKeyPath },
  );
  const pdf = Buffer.from('%PDF-1.4\n', 'utf8');
  const upload = (await api(
    'POST',
    '/api/portal/uploads',
    { filename: 'capture.pdf', mimeType: 'application/pdf', size: pdf.length },
    portal,
  )) as { body: { uploadId: string; url: string; headers: Record<string, string> } };
  const put = await fetch(upload.body.url, { method: 'PUT', headers: upload.body.headers, body: pdf });
  if (put.status !== 200) failedCalls.push(`PUT upload: ${put.status}`);
  await api(
    'POST',
    '/api/portal/requests',
    {
      idempotencyKey: 'roles-observed-0001',
      requester: { email: DIRECTOR, name: 'Camille Martin' },
      subject: 'LSUN : export des livrets',
      text: 'Bonjour, l’export des livrets échoue.',
      attachments: [{ uploadId: upload.body.uploadId, filename: 'capture.pdf', mimeType: 'application/pdf' }],
    },
    portal,
  );

  // A broadcast to the Côte-d'Or (api starts it, broadcast-send mails the chunks).
  const draft = await api('POST', '/api/broadcasts', {
    subject: 'LSU indisponible lundi matin',
    text: 'LSU sera indisponible de 8 h à 10 h.',
    zones: [{ type: 'departement', code: '21' }],
  });
  const id = (draft.body as { id: string }).id;
  await api('POST', `/api/broadcasts/${id}/test`);
  await api('POST', `/api/broadcasts/${id}/send`, {});
  await eventually(
    async () => ((await api('GET', `/api/broadcasts/${id}`)).body as { status: string }).status === 'sent',
    'the broadcast sent',
    { attempts: 300, intervalMs: 100 },
  );
  await outboxDrained(desk);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

describe('what the handlers call on the local desk', () => {
  it('is allowed, call by call, by the written list of their roles', () => {
    // Why: a call the list lacks is a grant the construct lacks: AccessDenied on AWS.
    const refused = observedCalls().filter((call) => !allowed(call));
    expect([...new Set(refused.map((call) => JSON.stringify(call)))]).toEqual([]);
  });

  it('covers every step the scenario drives, so the check above is not vacuous', () => {
    // Why: a recorder that saw nothing, or a scenario whose calls were refused, would let any
    // list pass.
    expect(failedCalls).toEqual([]);
    const seen = new Set(observedCalls().map((call) => call.fn));
    for (const fn of [
      'receive',
      'screen',
      'ticket',
      'mailer',
      'api',
      'broadcast-send',
      'broadcast-plan',
      'ticket-housekeeping',
      'outbox-sweep',
      'kb-export',
    ]) {
      expect(seen, fn).toContain(fn);
    }
  });
});
