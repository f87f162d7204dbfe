import { describe, expect, it } from 'vitest';
import type { OpenTicketFact } from '#shared/domain/dashboard.ts';
import {
  type ChangedTicket,
  changedSince,
  mergeSnapshot,
  SNAPSHOT_OVERLAP_MS,
  snapshotChunks,
  snapshotFact,
  snapshotLine,
} from '#shared/domain/open-tickets-snapshot.ts';

const answered: OpenTicketFact = {
  number: 'LSUN-2026-00001',
  status: 'en_attente',
  createdAt: '2026-03-02T08:00:00.000Z',
  answeredAt: '2026-03-02T09:30:00.000Z',
  departements: ['21', '71'],
};
const unanswered: OpenTicketFact = {
  number: 'LSUN-2026-00002',
  status: 'nouveau',
  createdAt: '2026-03-03T08:00:00.000Z',
  departements: [],
};

function changed(
  fact: OpenTicketFact,
  updatedAt: string,
  overrides: Partial<ChangedTicket> = {},
): ChangedTicket {
  const { departements, ...rest } = fact;
  return {
    ...rest,
    updatedAt,
    schools: departements.map((departement) => ({
      uai: `0${departement}0001A`,
      name: 'École',
      commune: 'Dijon',
      departement,
      circonscription: 'Dijon Centre',
      mailbox: `ce.0${departement}0001a@ac-dijon.fr`,
    })),
    ...overrides,
  };
}

describe("the snapshot's lines", () => {
  it('give back the facts they were made of, with and without a reply or schools', () => {
    // Act
    const read = [answered, unanswered].map((fact) => snapshotFact(snapshotLine(fact)));

    // Assess
    expect(read).toEqual([answered, unanswered]);
  });

  it('refuse a line that does not read as one: an unknown status, a field missing or one too many', () => {
    // Prepare
    const line = snapshotLine(answered);

    // Act / Assess
    expect(snapshotFact(line.replace('en_attente', 'archivé'))).toBeUndefined();
    expect(snapshotFact(line.split('\t').slice(0, 4).join('\t'))).toBeUndefined();
    expect(snapshotFact(`${line}\textra`)).toBeUndefined();
  });

  it('are cut into chunks of at most the bytes asked, in order, never splitting a line', () => {
    // Prepare: 50 lines of 53 bytes (the accented code counts two), 11 a chunk with their line ends.
    const lines = Array.from({ length: 50 }, (_, i) =>
      snapshotLine({
        ...unanswered,
        number: `LSUN-2026-${String(i).padStart(5, '0')}`,
        departements: ['2é'],
      }),
    );

    // Act
    const chunks = snapshotChunks(lines, 600);

    // Assess
    expect(chunks.map((chunk) => chunk.split('\n').length)).toEqual([11, 11, 11, 11, 6]);
    expect(chunks.every((chunk) => new TextEncoder().encode(chunk).length <= 600)).toBe(true);
    expect(chunks.flatMap((chunk) => chunk.split('\n'))).toEqual(lines);
    expect(snapshotChunks([])).toEqual([]);
  });
});

describe('the open tickets from a snapshot and the tickets changed since', () => {
  it("replace a changed ticket's line by its facts now, drop one closed since, add one opened since", () => {
    // Prepare
    const replied = changed(unanswered, '2026-03-10T09:05:00.000Z', {
      status: 'en_attente',
      answeredAt: '2026-03-10T09:05:00.000Z',
    });
    const closed = changed(answered, '2026-03-10T09:06:00.000Z', { status: 'clos' });
    const opened = changed(
      { ...unanswered, number: 'LSUN-2026-00003', createdAt: '2026-03-10T09:07:00.000Z' },
      '2026-03-10T09:07:00.000Z',
    );

    // Act
    const open = mergeSnapshot([answered, unanswered], [replied, closed, opened]);

    // Assess
    expect(open).toEqual([
      { ...unanswered, status: 'en_attente', answeredAt: '2026-03-10T09:05:00.000Z' },
      { ...unanswered, number: 'LSUN-2026-00003', createdAt: '2026-03-10T09:07:00.000Z' },
    ]);
  });

  it('take the latest write of a ticket an index shows twice (under its old and its new status)', () => {
    // Prepare: closed at 09:06, reopened by a follow-up at 09:08.
    const closed = changed(answered, '2026-03-10T09:06:00.000Z', { status: 'clos' });
    const reopened = changed(answered, '2026-03-10T09:08:00.000Z', { status: 'en_cours' });

    // Act
    const open = mergeSnapshot([answered], [reopened, closed]);
    const other = mergeSnapshot([answered], [closed, reopened]);

    // Assess
    expect(open).toEqual([{ ...answered, status: 'en_cours' }]);
    expect(other).toEqual(open);
  });

  it('read the tickets changed from the overlap before the snapshot was taken', () => {
    expect(changedSince('2026-03-10T09:00:00.000Z')).toBe(
      new Date(Date.parse('2026-03-10T09:00:00.000Z') - SNAPSHOT_OVERLAP_MS).toISOString(),
    );
    expect(SNAPSHOT_OVERLAP_MS).toBeGreaterThanOrEqual(900_000);
  });
});
