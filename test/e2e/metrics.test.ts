/**
 * The local desk's metrics: real mails through SMTP, the real handlers publishing their metrics,
 * and `GET /api/metrics` showing staff the outcomes by code and the acknowledgment's latency;
 * none of it printed to the terminal, and nothing shown without a staff token.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeLocalClients } from '#local/emulators.ts';
import type { MetricsSummary } from '#local/metrics.ts';
import { sendTestMail } from '#local/send-mail.ts';
import { documentClient } from '#shared/adapters/clients/dynamodb.ts';
import { makeMailArrivals } from '#shared/adapters/mail-arrivals.ts';
import { eventually, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let agentToken: string;
let stdoutLines: string[];
let restoreStdout: () => void;

async function metrics(token: string | null) {
  const response = await fetch(`${stack.desk.httpUrl}/api/metrics`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return {
    status: response.status,
    body: (await response.json()) as MetricsSummary & Record<string, unknown>,
  };
}

beforeAll(async () => {
  // vitest turns Powertools' own output off for tests that call handlers alone; here it stays on
  // (the handlers are imported after this), so only the desk's sink keeps blobs off stdout.
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  stdoutLines = [];
  const write = process.stdout.write.bind(process.stdout);
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
    stdoutLines.push(String(chunk));
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write);
  restoreStdout = () => spy.mockRestore();
  stack = await startTestStack();
  agentToken = await stack.token('agent@ac-dijon.fr', ['agent']);
}, 120_000);

afterAll(async () => {
  restoreStdout?.();
  await stack?.stop();
});

describe('GET /api/metrics on the local desk', () => {
  it('shows the outcomes by code and the acknowledgment latency of the mails received', async () => {
    // Prepare: a director's request (a ticket, acknowledged) and a mail without the keyword.
    await sendTestMail({
      port: stack.desk.smtpPort,
      from: 'Camille Martin <camille.martin@ac-dijon.fr>',
      to: 'assistance1d@ac-dijon.fr',
      subject: 'LSUN : impossible de valider les livrets',
      text: 'Bonjour, le bouton ne répond plus.',
    });
    await sendTestMail({
      port: stack.desk.smtpPort,
      from: 'Camille Martin <camille.martin@ac-dijon.fr>',
      to: 'assistance1d@ac-dijon.fr',
      subject: 'Question sur les évaluations',
      text: 'Bonjour.',
    });

    // Act
    const summary = await eventually(async () => {
      const { body } = await metrics(agentToken);
      return body.outcomes.ticket_created === 1 &&
        body.outcomes.no_keyword === 1 &&
        (body.acknowledgmentLatencyMs?.samples ?? 0) === 1 &&
        body.series.filter((series) => series.name === 'MailDelivery').length === 2
        ? body
        : undefined;
    }, 'the metrics of both mails, the acknowledgment and the reply');

    // Assess
    expect(summary.namespace).toBe('AssistanceLSUN');
    expect(summary.mailsReceived).toBe(2);
    expect(summary.outcomes).toEqual({ ticket_created: 1, no_keyword: 1 });
    const latency = summary.acknowledgmentLatencyMs;
    expect(latency?.p50).toBeGreaterThan(0);
    expect(latency?.p50).toBeLessThan(60_000);
    expect(latency?.p95).toBe(latency?.p50);
    const delivered = summary.series.filter((series) => series.name === 'MailDelivery');
    expect(
      delivered
        .map((series) => series.dimensions)
        .sort((a, b) => String(a.purpose).localeCompare(String(b.purpose))),
    ).toEqual([
      { service: 'mailer', result: 'sent', purpose: 'acknowledgment' },
      { service: 'mailer', result: 'sent', purpose: 'no_keyword' },
    ]);
    expect(summary.sendProblems).toBe(0);
  });

  it('lets the mail watch count the day’s mails from the intake log, stopping at the count it asks', async () => {
    // Prepare: the watch's adapter over the desk's table (the two mails above are in its log).
    const { dynamodb } = makeLocalClients(stack.desk.endpoints);
    const arrivals = makeMailArrivals({
      client: documentClient(dynamodb),
      tableName: stack.desk.resources.tableName,
    });
    const anHourAgo = new Date(Date.now() - 3_600_000);

    // Act
    const counted = await arrivals.mailsSince(anHourAgo, 5);
    const enough = await arrivals.mailsSince(anHourAgo, 1);
    const later = await arrivals.mailsSince(new Date(Date.now() + 3_600_000), 1);
    dynamodb.destroy();

    // Assess
    expect(counted).toBe(2);
    expect(enough).toBe(1);
    expect(later).toBe(0);
  });

  it('prints no metric blob to the terminal', () => {
    expect(stdoutLines.filter((line) => line.includes('"_aws"'))).toEqual([]);
  });

  it('names no address, subject or ticket number in any dimension', async () => {
    const { body } = await metrics(agentToken);
    const dimensionValues = body.series.flatMap((series) => Object.values(series.dimensions));
    expect(dimensionValues).toContain('ticket_created');
    expect(dimensionValues.filter((value) => /@|LSUN|livrets|\d{5}/.test(value))).toEqual([]);
  });

  it('answers 401 without a token and 403 in French outside the staff groups', async () => {
    const visitor = await stack.token('visiteur@ac-dijon.fr', []);

    const anonymous = await metrics(null);
    const outsider = await metrics(visitor);

    expect(anonymous.status).toBe(401);
    expect(outsider.status).toBe(403);
    expect(outsider.body).toMatchObject({
      error: { code: 'forbidden', message: expect.stringMatching(/droits/) },
    });
  });
});
