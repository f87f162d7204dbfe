/**
 * Retention end to end, the clock moved past each kind's duration: mails through the real
 * handlers, staff and broadcast writes through the real wiring, then the local TTL sweeper
 * handing every expired item to the real `retention-purge` handler (DynamoDB Local never runs
 * TTL). Each duration is different, so each sweep shows one kind gone and the others kept; at
 * the end nothing of the purged data is left, in the table or in the raw-mail bucket, while an
 * open ticket older than every duration keeps its items and its raw mail.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StreamHandler, sweepExpired } from '#local/ttl-sweeper.ts';
import { makeArticleStore } from '#shared/adapters/article-store.ts';
import { makeDirectoryStore } from '#shared/adapters/directory-store.ts';
import { makeIntakeLogStore } from '#shared/adapters/intake-log-store.ts';
import { loadConfig, retentionOf } from '#shared/config.ts';
import { importDirectoryFile } from '#shared/directory/import.ts';
import { ArticleInput, newArticle } from '#shared/domain/article.ts';
import { pipeline } from '#shared/pipeline.ts';
import { changeTicketStatus } from '#shared/steps/staff/actions.ts';
import { broadcastDeps } from '#shared/wiring/broadcast.ts';
import { type Desk, startTestDesk } from '../support/desk.ts';
import { staffDeps } from '../support/staff.ts';

const DAY = 86_400_000;
/** Each kind its own duration, so that each sweep below shows one kind go. */
const DURATIONS = {
  RETENTION_ARTICLE_DRAFT_DAYS: '10',
  RETENTION_BROADCAST_RECIPIENT_DAYS: '20',
  RETENTION_INTAKE_DAYS: '30',
  RETENTION_TICKET_DAYS: '60',
  RETENTION_AUDIT_DAYS: '90',
};
const DIRECTOR = 'conservation.test@ac-dijon.fr';
const STRANGER = 'inconnu.total@ac-dijon.fr';

let desk: Desk;
let handler: StreamHandler;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  // Before the handlers are imported: they read their configuration once, as on Lambda.
  for (const [name, value] of Object.entries(DURATIONS)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  desk = await startTestDesk('retention');
  handler = (await import('#functions/retention-purge.ts')).handler as unknown as StreamHandler;
});

afterAll(() => {
  desk?.stop();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** Every item of the table, by partition and sort key. */
async function allKeys(): Promise<string[]> {
  const keys: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await desk.db.send(
      new ScanCommand({
        TableName: desk.resources.tableName,
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    keys.push(...(page.Items ?? []).map((item) => `${item.pk} ${item.sk}`));
    start = page.LastEvaluatedKey;
  } while (start);
  return keys.sort();
}

/** The raw mails in the bucket. */
async function rawMails(): Promise<string[]> {
  const { Contents = [] } = await desk.clients.s3.send(
    new ListObjectsV2Command({ Bucket: desk.resources.bucket, Prefix: pipeline.rawMailPrefix }),
  );
  return Contents.map((object) => object.Key ?? '').sort();
}

const sweepAt = (now: Date) =>
  sweepExpired({ dynamodb: desk.clients.dynamodb, tableName: desk.resources.tableName, handler, now });

describe('retention, the clock moved past each duration', () => {
  it('purges each kind after its own duration, with what it kept, and keeps an open ticket whatever its age', async () => {
    // Prepare: the directory (its audit entries), a ticket with an attachment then closed, an
    // open ticket, a refused mail, a broadcast's recipients (one sent), a knowledge base draft.
    const config = loadConfig();
    const retention = retentionOf(config);
    const table = { client: desk.db, tableName: desk.resources.tableName };
    const start = new Date();
    await importDirectoryFile(
      [
        'uai;ecole;commune;circonscription;departement;civilite;nom;prenom;email',
        `0211234C;École élémentaire Les Tilleuls;Dijon;Dijon Centre;21;Mme;Test;Conservation;${DIRECTOR}`,
      ].join('\n'),
      makeDirectoryStore({
        ...table,
        academicDomain: config.academicDomain,
        auditRetentionDays: retention.auditDays,
      }),
      { apply: true, now: start, actor: 'test' },
    );
    const closedMail = await desk.receive({
      from: DIRECTOR,
      subject: 'LSUN : livret avec capture',
      attachments: [
        { filename: 'capture.png', content: Buffer.from('not really a png'), contentType: 'image/png' },
      ],
    });
    const openMail = await desk.receive({ from: DIRECTOR, subject: 'LSUN : une question qui dure' });
    const refusedMail = await desk.receive({ from: STRANGER, subject: 'LSUN : je ne suis pas directeur' });
    await desk.drain();
    const intakeLog = makeIntakeLogStore(table);
    const closedNumber = (await intakeLog.readIntakeEntry(closedMail))?.ticketNumber ?? 'none';
    const openNumber = (await intakeLog.readIntakeEntry(openMail))?.ticketNumber ?? 'none';
    expect((await intakeLog.readIntakeEntry(refusedMail))?.outcome).toBe('not_director');
    const staff = staffDeps(table, () => start).deps;
    await changeTicketStatus(
      { number: closedNumber, actor: { email: 'agent@ac-dijon.fr', name: 'Agent' }, status: 'clos' },
      { ...staff, retentionDays: retention.ticketDays },
    );
    const broadcasts = broadcastDeps(config, {
      dynamodb: desk.db,
      sqs: desk.clients.sqs,
      ses: desk.clients.ses,
    });
    const recipient = {
      email: DIRECTOR,
      name: 'Conservation Test',
      lastName: 'Test',
      uai: '0211234C',
      updatedAt: start.toISOString(),
    };
    await broadcasts.store.freezeRecipients('b-retention', [
      { ...recipient, directorId: 'd1', status: 'queued' },
      { ...recipient, directorId: 'd2', status: 'queued' },
    ]);
    await broadcasts.store.claim('b-retention', 'd1', start.toISOString());
    await broadcasts.store.record(
      'b-retention',
      'd1',
      { status: 'sent', messageId: 'ses-b1' },
      start.toISOString(),
    );
    const articles = makeArticleStore({ ...table, draftRetentionDays: retention.articleDraftDays });
    const input = ArticleInput.parse({
      title: 'Brouillon',
      symptom: 'Un symptôme.',
      solution: 'Une solution.',
      tags: ['test'],
      application: 'LSUN',
      visibility: 'internal',
    });
    const draft = newArticle(
      await articles.nextId(),
      input,
      { email: 'agent@ac-dijon.fr', groups: ['agent'] },
      start.toISOString(),
    );
    await articles.create(draft.article, draft.entry);

    const before = await allKeys();
    const ticketOf = (number: string) => (key: string) => key.startsWith(`TICKET#${number} `);
    expect(before.filter(ticketOf(closedNumber)).length).toBeGreaterThanOrEqual(3);
    expect(before).toContain(`MAIL#${refusedMail} REPLY`);
    expect(before.filter((key) => key.startsWith('DIRAUDIT#')).length).toBeGreaterThan(0);
    expect(await rawMails()).toEqual(
      [closedMail, openMail, refusedMail].map((id) => `${pipeline.rawMailPrefix}${id}`).sort(),
    );
    const after = (days: number) => new Date(start.getTime() + days * DAY + 60_000);

    // Act + Assess: past the drafts' 10 days, the draft and its history only.
    await sweepAt(after(10));
    let keys = await allKeys();
    expect(keys.filter((key) => key.startsWith(`ARTICLE#${draft.article.id} `))).toEqual([]);
    expect(keys).toContain('BROADCAST#b-retention RCPT#d1');

    // Past the recipients' 20 days: the recipients and their mail's lookup.
    await sweepAt(after(20));
    keys = await allKeys();
    expect(keys.filter((key) => key.includes('RCPT#') || key.startsWith('SESMAIL#'))).toEqual([]);
    expect(keys).toContain(`MAIL#${refusedMail} ENTRY`);

    // Past the intake's 30 days: every intake entry, claim and reply; the refused mail's raw
    // mail; the raw mails of the two tickets stay with their tickets.
    await sweepAt(after(30));
    keys = await allKeys();
    expect(keys.filter((key) => /^(MAIL|MSGID|QUOTA)#/.test(key))).toEqual([]);
    expect(await rawMails()).toEqual(
      [closedMail, openMail].map((id) => `${pipeline.rawMailPrefix}${id}`).sort(),
    );
    expect(keys.filter(ticketOf(closedNumber)).length).toBeGreaterThan(0);

    // Past the tickets' 60 days from closing: the closed ticket, all of its partition, its raw
    // mail with its attachment.
    await sweepAt(after(60));
    keys = await allKeys();
    expect(keys.filter(ticketOf(closedNumber))).toEqual([]);
    expect(await rawMails()).toEqual([`${pipeline.rawMailPrefix}${openMail}`]);
    expect(keys.filter((key) => key.startsWith('DIRAUDIT#')).length).toBeGreaterThan(0);

    // Past the audit's 90 days, and 400 days on (beyond the old 365-day rule on raw mails).
    await sweepAt(after(90));
    const sweep = await sweepAt(after(400));
    keys = await allKeys();

    // Assess: nothing expired is left, no audit entry; the open ticket, never closed, is whole.
    expect(sweep.failed).toBe(0);
    expect(keys.filter((key) => key.startsWith('DIRAUDIT#'))).toEqual([]);
    expect(keys.filter(ticketOf(openNumber))).toEqual(before.filter(ticketOf(openNumber)));
    expect(await rawMails()).toEqual([`${pipeline.rawMailPrefix}${openMail}`]);
    // What is left is the open ticket, the current directory, and counters holding no one's data.
    const structural = /^(CATALOGUE#ARTICLES|CONTACT#|DIRECTORY |DIRGEN#|SEQUENCE#)/;
    expect(keys.filter((key) => !ticketOf(openNumber)(key) && !structural.test(key))).toEqual([]);
  });
});
