/**
 * The broadcasts' store against DynamoDB Local: optimistic replacement, the newest-first list and
 * the due list, recipients frozen once, claimed once, their results and events recorded only from
 * the right status, exact counts, and the problems kept per address.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBroadcastStore } from '#shared/adapters/broadcast-store.ts';
import { documentClient } from '#shared/adapters/clients/dynamodb.ts';
import { type Broadcast, type BroadcastRecipient, countsOf } from '#shared/domain/broadcast.ts';
import type { BroadcastStore } from '#shared/domain/broadcast-ports.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';

let test: TestResources;
let store: BroadcastStore;

beforeAll(async () => {
  test = await makeTestResources('broadcast-store');
  store = makeBroadcastStore({
    client: documentClient(test.clients.dynamodb),
    tableName: test.resources.tableName,
  });
});

afterAll(() => test?.destroy());

function draft(createdAt: string, extra: Partial<Broadcast> = {}): Broadcast {
  return {
    id: `b-${randomUUID().slice(0, 8)}`,
    subject: 'LSU indisponible',
    text: 'Bonjour',
    zones: [{ type: 'academie', code: 'ac-dijon' }],
    status: 'draft',
    recipients: 3,
    counts: countsOf(['queued', 'queued', 'queued']),
    createdAt,
    createdBy: 'admin@ac-dijon.fr',
    updatedAt: createdAt,
    history: [{ at: createdAt, actor: 'admin@ac-dijon.fr', action: 'created' }],
    ...extra,
  };
}

function recipient(n: number): BroadcastRecipient {
  return {
    directorId: `d${n}@ac-dijon.fr`,
    email: `d${n}@ac-dijon.fr`,
    name: `Prénom Nom${n}`,
    civility: 'Mme',
    lastName: `Nom${n}`,
    uai: '0211234C',
    status: 'queued',
    updatedAt: '2027-01-04T08:00:00.000Z',
  };
}

describe('broadcasts', () => {
  it('replaces a broadcast only at the version read, so two writers cannot both win', async () => {
    // Prepare
    const broadcast = draft('2027-01-04T08:00:00.000Z');
    await store.create(broadcast);

    // Act
    const first = await store.replace({ ...broadcast, subject: 'Premier' }, 1);
    const second = await store.replace({ ...broadcast, subject: 'Second' }, 1);

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(await store.get(broadcast.id)).toMatchObject({
      broadcast: { subject: 'Premier' },
      version: 2,
      chunksQueued: false,
    });
  });

  it('lists broadcasts newest first, page by page', async () => {
    const older = draft('2027-02-01T08:00:00.000Z');
    const newer = draft('2027-02-02T08:00:00.000Z');
    await store.create(older);
    await store.create(newer);

    const page = await store.list({ limit: 1 });
    const next = await store.list({ limit: 1, cursor: page.nextCursor ?? undefined });

    expect((page.items[0]?.createdAt ?? '') >= (next.items[0]?.createdAt ?? '')).toBe(true);
    expect(page.nextCursor).not.toBeNull();
  });

  it('lists as due the scheduled broadcasts whose time has come, and forgets one that is no longer scheduled', async () => {
    // Prepare
    const due = draft('2027-01-04T08:00:00.000Z', {
      status: 'scheduled',
      scheduledAt: '2027-03-01T07:00:00.000Z',
    });
    const later = draft('2027-01-04T08:00:00.000Z', {
      status: 'scheduled',
      scheduledAt: '2027-03-01T07:05:00.000Z',
    });
    await store.create(due);
    await store.create(later);

    // Act
    const at0700 = await store.due('2027-03-01T07:00:00.000Z');
    await store.replace({ ...due, status: 'cancelled' }, 1);
    const afterCancel = await store.due('2027-03-01T07:10:00.000Z');

    // Assess
    expect(at0700).toContain(due.id);
    expect(at0700).not.toContain(later.id);
    expect(afterCancel).toContain(later.id);
    expect(afterCancel).not.toContain(due.id);
  });
});

describe('recipients', () => {
  it('freezes recipients once: a second freeze leaves their statuses as they are', async () => {
    const broadcast = draft('2027-01-04T08:00:00.000Z');
    await store.create(broadcast);
    await store.freezeRecipients(broadcast.id, [recipient(1), recipient(2), recipient(3)]);
    await store.claim(broadcast.id, 'd1@ac-dijon.fr', '2027-01-04T08:01:00.000Z');

    await store.freezeRecipients(broadcast.id, [recipient(1), recipient(2), recipient(3), recipient(4)]);

    expect(await store.counts(broadcast.id)).toMatchObject({ queued: 3, sending: 1 });
  });

  it('claims a recipient once, records the send and finds it again by its SES message id', async () => {
    // Prepare
    const broadcast = draft('2027-01-04T08:00:00.000Z');
    await store.create(broadcast);
    await store.freezeRecipients(broadcast.id, [recipient(1)]);

    // Act
    const claims = await Promise.all([
      store.claim(broadcast.id, 'd1@ac-dijon.fr', '2027-01-04T08:01:00.000Z'),
      store.claim(broadcast.id, 'd1@ac-dijon.fr', '2027-01-04T08:01:00.000Z'),
    ]);
    const messageId = `ses-${randomUUID()}`;
    await store.record(
      broadcast.id,
      'd1@ac-dijon.fr',
      { status: 'sent', messageId },
      '2027-01-04T08:01:01.000Z',
    );

    // Assess
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await store.recipientOfMessage(messageId)).toEqual({
      broadcastId: broadcast.id,
      directorId: 'd1@ac-dijon.fr',
    });
    expect((await store.recipients(broadcast.id, ['d1@ac-dijon.fr']))[0]).toMatchObject({
      status: 'sent',
      messageId,
    });
  });

  it('fails a claim older than the lease (unknown outcome), but not a fresh one', async () => {
    const broadcast = draft('2027-01-04T08:00:00.000Z');
    await store.create(broadcast);
    await store.freezeRecipients(broadcast.id, [recipient(1), recipient(2)]);
    await store.claim(broadcast.id, 'd1@ac-dijon.fr', '2027-01-04T08:00:00.000Z');
    await store.claim(broadcast.id, 'd2@ac-dijon.fr', '2027-01-04T08:20:00.000Z');

    const cutoff = '2027-01-04T08:10:00.000Z';
    const expired = await store.expireClaim(
      broadcast.id,
      'd1@ac-dijon.fr',
      cutoff,
      'inconnu',
      '2027-01-04T08:20:00.000Z',
    );
    const fresh = await store.expireClaim(
      broadcast.id,
      'd2@ac-dijon.fr',
      cutoff,
      'inconnu',
      '2027-01-04T08:20:00.000Z',
    );

    expect([expired, fresh]).toEqual([true, false]);
    expect(await store.recipients(broadcast.id, ['d1@ac-dijon.fr'])).toMatchObject([
      { status: 'failed', retryable: false, error: 'inconnu' },
    ]);
  });

  it('requeues only the retryable failures', async () => {
    const broadcast = draft('2027-01-04T08:00:00.000Z');
    await store.create(broadcast);
    await store.freezeRecipients(broadcast.id, [recipient(1), recipient(2)]);
    for (const id of ['d1@ac-dijon.fr', 'd2@ac-dijon.fr'])
      await store.claim(broadcast.id, id, '2027-01-04T08:00:00.000Z');
    const at = '2027-01-04T08:00:01.000Z';
    await store.record(
      broadcast.id,
      'd1@ac-dijon.fr',
      { status: 'failed', error: 'TRANSIENT_FAILURE', retryable: true },
      at,
    );
    await store.record(
      broadcast.id,
      'd2@ac-dijon.fr',
      { status: 'failed', error: 'MESSAGE_REJECTED', retryable: false },
      at,
    );

    const requeued = await store.requeueRetryable(broadcast.id, at);

    expect(requeued).toEqual(['d1@ac-dijon.fr']);
    expect(await store.counts(broadcast.id)).toMatchObject({ queued: 1, failed: 1 });
  });

  it('pages the recipients of one status until the page is full', async () => {
    const broadcast = draft('2027-01-04T08:00:00.000Z');
    await store.create(broadcast);
    await store.freezeRecipients(
      broadcast.id,
      Array.from({ length: 9 }, (_, n) => recipient(n)),
    );
    for (const n of [1, 4, 7])
      await store.claim(broadcast.id, `d${n}@ac-dijon.fr`, '2027-01-04T08:00:00.000Z');

    const first = await store.listRecipients(broadcast.id, { status: 'sending', limit: 2 });
    const second = await store.listRecipients(broadcast.id, {
      status: 'sending',
      limit: 2,
      cursor: first.nextCursor ?? undefined,
    });

    expect(first.items.map((r) => r.directorId)).toEqual(['d1@ac-dijon.fr', 'd4@ac-dijon.fr']);
    expect(second.items.map((r) => r.directorId)).toEqual(['d7@ac-dijon.fr']);
    expect(second.nextCursor).toBeNull();
  });

  it('records a delivery only on a sent mail, a bounce or complaint also after delivery, never backwards', async () => {
    const broadcast = draft('2027-01-04T08:00:00.000Z');
    await store.create(broadcast);
    await store.freezeRecipients(broadcast.id, [recipient(1), recipient(2)]);
    await store.claim(broadcast.id, 'd1@ac-dijon.fr', '2027-01-04T08:00:00.000Z');
    await store.record(
      broadcast.id,
      'd1@ac-dijon.fr',
      { status: 'sent', messageId: `ses-${randomUUID()}` },
      '2027-01-04T08:00:01.000Z',
    );
    const at = '2027-01-04T08:05:00.000Z';

    const results = [
      await store.recordEvent(broadcast.id, 'd2@ac-dijon.fr', 'delivered', undefined, at),
      await store.recordEvent(broadcast.id, 'd1@ac-dijon.fr', 'delivered', undefined, at),
      await store.recordEvent(broadcast.id, 'd1@ac-dijon.fr', 'complained', 'abuse', at),
      await store.recordEvent(broadcast.id, 'd1@ac-dijon.fr', 'delivered', undefined, at),
    ];

    expect(results).toEqual([false, true, true, false]);
    expect(await store.counts(broadcast.id)).toMatchObject({ queued: 1, complained: 1 });
  });
});

describe('address problems', () => {
  it('keeps the last hard bounce or complaint of each address, whatever its case', async () => {
    await store.recordAddressProblem({
      email: 'Paul.Durand@AC-Dijon.fr',
      kind: 'bounced',
      at: '2027-01-04T08:05:00.000Z',
      detail: 'NoEmail',
      broadcastId: 'b-1',
    });

    const problems = await store.addressProblems(['paul.durand@ac-dijon.fr', 'nobody@ac-dijon.fr']);

    expect(problems).toEqual([
      {
        email: 'paul.durand@ac-dijon.fr',
        kind: 'bounced',
        at: '2027-01-04T08:05:00.000Z',
        detail: 'NoEmail',
        broadcastId: 'b-1',
      },
    ]);
  });
});
