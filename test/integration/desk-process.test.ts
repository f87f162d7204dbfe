/**
 * The desk in a process of its own (`startDeskProcess`, as `npm start` and the intake and gateway
 * benches run it): a mail sent to its SMTP port comes out as an acknowledgment the parent hears
 * of, and its stop leaves none of its processes (the desk's, with the stand-ins' thread, and DynamoDB Local's).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type DeskProcess, DeskProcessError, startDeskProcess } from '#local/desk-process.ts';
import { freePorts } from '#local/emulators.ts';
import { alive } from '#local/processes.ts';
import { sendTestMail } from '#local/send-mail.ts';
import type { SentMailNotice } from '#local/stand-ins-worker.ts';
import { eventually } from '../support/stack.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
let desk: DeskProcess | undefined;

afterAll(async () => {
  await desk?.stop();
});

describe('the desk started in its own process', () => {
  it('acknowledges a director’s mail, runs each of its processes with two malloc arenas, and its stop ends every process it started', async () => {
    // Prepare
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const [smtp = 0, http = 0, ses = 0, dynamodb = 0, sqs = 0] = await freePorts(5);
    desk = await startDeskProcess({
      ports: { smtp, http, ses, dynamodb, sqs },
      dataDir: undefined,
      seedDirectory: path.join(ROOT, 'data', 'annuaire-demo.csv'),
      env: { POWERTOOLS_LOG_LEVEL: 'WARN' },
      pollersPerStage: 2,
    });
    const running = desk;
    const sentMails: SentMailNotice[] = [];
    const unwatch = running.onSentMail((mail) => sentMails.push(mail));

    // Act
    const sent = await sendTestMail({
      port: running.smtpPort,
      from: 'Camille Martin <camille.martin@ac-dijon.fr>',
      to: 'assistance1d@ac-dijon.fr',
      subject: 'LSUN : impossible d’éditer les bulletins',
      text: 'Bonjour, depuis ce matin l’édition des bulletins échoue. Merci de votre aide.',
    });

    // Assess: the acknowledgment, answering that mail, told to this process.
    const ack = await eventually(
      async () =>
        sentMails.find((mail) =>
          mail.headers.some(
            (h) => h.name.toLowerCase() === 'in-reply-to' && h.value === `<${sent.messageId}>`,
          ),
        ),
      'the acknowledgment',
    );
    expect(ack.to).toEqual(['camille.martin@ac-dijon.fr']);
    expect(ack.subject).toMatch(/^\[LSUN-\d{4}-\d{5}\]/);
    // Without an agent bundled in, the desk's process says so rather than leaving the question open.
    await expect(running.ask({ type: 'take' })).rejects.toThrow(DeskProcessError);
    unwatch();

    const pids = [running.pids.desk, running.pids.dynamodb].filter((pid): pid is number => pid !== undefined);
    expect(pids).toHaveLength(2);
    // Assess: the desk's process (the stand-ins' thread with it) and DynamoDB Local's keep glibc
    // to two arenas.
    for (const pid of pids) {
      const environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      expect(environment, `process ${pid}`).toContain('MALLOC_ARENA_MAX=2');
    }

    // Act: stop.
    await running.stop();
    desk = undefined;

    // Assess: nothing left.
    await eventually(async () => pids.every((pid) => !alive(pid)) || undefined, 'every process ended', {
      attempts: 400,
    });
  }, 180_000);
});
