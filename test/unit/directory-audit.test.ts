/**
 * The directory's audit log and contact projection as items: what is written for a change, and
 * what a listing gives back (parsed, without the table's attributes). Reads served by
 * `aws-sdk-client-mock`; the table's real behaviour is in `test/integration/directory-store.test.ts`.
 */
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditItems, makeAuditLog } from '#shared/adapters/directory/audit.ts';
import { DirectoryStoreError } from '#shared/adapters/directory/errors.ts';
import { contactItems } from '#shared/adapters/directory/projection.ts';
import { diffStates } from '#shared/directory/diff.ts';
import { deactivateDirector } from '#shared/directory/edit.ts';
import { parseDirectoryFile } from '#shared/directory/import.ts';
import { planImport } from '#shared/directory/plan.ts';
import { EMPTY_DIRECTORY } from '#shared/domain/directory.ts';

const SMALL = readFileSync(new URL('../fixtures/directory/annuaire-petit.csv', import.meta.url));
const OPTIONS = { academicDomain: 'ac-dijon.fr', now: new Date('2026-09-01T08:00:00Z'), actor: 'test' };
const PROVENANCE = { at: '2026-09-15T08:00:00.000Z', actor: 'admin@ac-dijon.fr', source: 'console' } as const;

/** The small directory as generation 1, and generation 2 with Camille Martin deactivated. */
function twoGenerations() {
  const first = { ...planImport(EMPTY_DIRECTORY, parseDirectoryFile(SMALL), OPTIONS).next, generation: 1 };
  const edit = deactivateDirector(first, 'camille.martin@ac-dijon.fr', OPTIONS);
  return { first, second: { ...edit.next, generation: 2 } };
}

describe('auditItems', () => {
  it('writes one entry per change, keyed by entry, time and generation, with the provenance only', () => {
    // Prepare: a caller hands in the whole pointer as provenance.
    const { first, second } = twoGenerations();
    const pointer = {
      ...PROVENANCE,
      generation: 2,
      parts: 1,
      sha256: 'abc',
      previous: null,
      projection: 'pending',
    };

    // Act
    const items = auditItems(diffStates(first, second), pointer, 2);

    // Assess
    expect(items).toEqual([
      {
        pk: 'DIRAUDIT#director#camille.martin@ac-dijon.fr',
        sk: '2026-09-15T08:00:00.000Z#0000000002',
        type: 'directory_audit',
        entity: 'director',
        entityId: 'camille.martin@ac-dijon.fr',
        action: 'deactivated',
        fields: ['active'],
        before: expect.objectContaining({ active: true }),
        after: expect.objectContaining({ active: false }),
        ...PROVENANCE,
        generation: 2,
        gsi1pk: 'DIRAUDIT',
        gsi1sk: '2026-09-15T08:00:00.000Z#0000000002#director#camille.martin@ac-dijon.fr',
      },
    ]);
  });
});

describe('contactItems', () => {
  it("rewrites only the entries that changed, stamped with the new generation and the change's time", () => {
    // Prepare
    const { first, second } = twoGenerations();

    // Act
    const items = contactItems(first, second, PROVENANCE.at);

    // Assess: her address, and the mailbox of the school she leaves without a director.
    expect(items.map((item) => [item.pk, item.active, item.generation, item.updatedAt])).toEqual([
      ['CONTACT#ce.0211234c@ac-dijon.fr', false, 2, PROVENANCE.at],
      ['CONTACT#camille.martin@ac-dijon.fr', false, 2, PROVENANCE.at],
    ]);
  });
});

describe('the audit log', () => {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
  const dynamodb = mockClient(client);
  const log = makeAuditLog({ client, tableName: 'desk' });
  beforeEach(() => {
    dynamodb.reset();
  });

  it("lists one entry's history newest first, without the table's attributes", async () => {
    // Prepare
    const { first, second } = twoGenerations();
    const [item] = auditItems(diffStates(first, second), PROVENANCE, 2);
    dynamodb.on(QueryCommand).resolves({ Items: [item ?? {}], LastEvaluatedKey: { pk: 'x', sk: 'y' } });

    // Act
    const page = await log.list({ entity: 'director', id: 'camille.martin@ac-dijon.fr', limit: 1 });

    // Assess
    expect(page.items).toEqual([
      {
        entity: 'director',
        entityId: 'camille.martin@ac-dijon.fr',
        action: 'deactivated',
        fields: ['active'],
        before: expect.any(Object),
        after: expect.any(Object),
        ...PROVENANCE,
        generation: 2,
      },
    ]);
    expect(page.lastKey).toEqual({ pk: 'x', sk: 'y' });
    expect(dynamodb.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'DIRAUDIT#director#camille.martin@ac-dijon.fr' },
      ScanIndexForward: false,
      Limit: 1,
    });
  });

  it('fails loudly on an entry that is not one', async () => {
    // Prepare
    dynamodb
      .on(QueryCommand)
      .resolves({ Items: [{ pk: 'DIRAUDIT#director#x', sk: 'y', entity: 'teacher' }] });

    // Act
    const listing = log.list({ limit: 10 });

    // Assess
    await expect(listing).rejects.toThrow(new DirectoryStoreError('A directory audit entry is malformed'));
  });
});
