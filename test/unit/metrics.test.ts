/**
 * Which metrics each step's result gives (pure functions of `shared/metrics.ts`), and where they
 * go: dimensions carry enumerated codes only, and with a sink installed (the local desk) the
 * blobs reach it instead of stdout.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  chunkMetrics,
  deliveryMetrics,
  deskMetrics,
  METRICS_NAMESPACE,
  publishMetrics,
  receivedMetrics,
  screenedMetrics,
  setMetricsSink,
  silentDayMetrics,
} from '#shared/metrics.ts';

const ackRecord = { on: 'ticket' as const, ticketNumber: 'LSUN-2026-00001', at: '2026-03-05T08:00:00.000Z' };

describe('the metrics of a step’s result', () => {
  it('counts the mails receive queued', () => {
    expect(receivedMetrics(2)).toEqual([{ name: 'MailsReceived', unit: 'Count', value: 2 }]);
  });

  it('counts a screened mail under its outcome code, and nothing else about it', () => {
    // Act
    const points = screenedMetrics({ outcome: 'no_keyword' });

    // Assess: one count, the code as the only dimension (no address, no subject).
    expect(points).toEqual([
      { name: 'IntakeOutcome', unit: 'Count', value: 1, dimensions: { outcome: 'no_keyword' } },
    ]);
  });

  it('gives an acknowledgment sent its latency from the mail’s receipt to SES’s acceptance', () => {
    // Act
    const points = deliveryMetrics(
      { purpose: 'acknowledgment', record: ackRecord },
      { outcome: 'sent' },
      new Date('2026-03-05T08:00:04.250Z'),
    );

    // Assess
    expect(points).toEqual([
      {
        name: 'MailDelivery',
        unit: 'Count',
        value: 1,
        dimensions: { result: 'sent', purpose: 'acknowledgment' },
      },
      { name: 'AcknowledgmentLatency', unit: 'Milliseconds', value: 4250 },
    ]);
  });

  it('gives no latency for a staff reply, and counts a refused or uncertain mail as a send problem', () => {
    const sentReply = deliveryMetrics(
      { purpose: 'staff_reply', record: ackRecord },
      { outcome: 'sent' },
      new Date('2026-03-05T09:00:00.000Z'),
    );
    const failed = deliveryMetrics(
      { purpose: 'acknowledgment', record: ackRecord },
      { outcome: 'failed' },
      new Date(),
    );
    const unknown = deliveryMetrics(
      { purpose: 'quota_notice', record: ackRecord },
      { outcome: 'unknown' },
      new Date(),
    );

    expect(sentReply.map((point) => point.name)).toEqual(['MailDelivery']);
    expect(failed.map((point) => point.name)).toEqual(['MailDelivery', 'SendProblems']);
    expect(unknown.map((point) => [point.name, point.dimensions?.result])).toEqual([
      ['MailDelivery', 'unknown'],
      ['SendProblems', undefined],
    ]);
  });

  it('counts nothing for a delivery another one already made', () => {
    expect(
      deliveryMetrics({ purpose: 'acknowledgment', record: ackRecord }, { outcome: 'skipped' }, new Date()),
    ).toEqual([]);
  });

  it('gives a chunk’s progress: sent, failed (a dead worker’s claims included), throttled and queued again', () => {
    const points = chunkMetrics({ sent: 47, failed: 1, deferred: 2, expired: 3, ignored: false });

    expect(points).toEqual([
      { name: 'BroadcastSent', unit: 'Count', value: 47 },
      { name: 'BroadcastFailed', unit: 'Count', value: 4 },
      { name: 'BroadcastRequeued', unit: 'Count', value: 2 },
    ]);
    expect(chunkMetrics({ sent: 0, failed: 0, deferred: 0, expired: 0, ignored: true })).toEqual([]);
  });

  it('says 1 for a silent school day, 0 otherwise', () => {
    expect(silentDayMetrics({ silent: true })).toEqual([
      { name: 'SilentSchoolDay', unit: 'Count', value: 1 },
    ]);
    expect(silentDayMetrics({ silent: false })[0]?.value).toBe(0);
  });
});

describe('publishing', () => {
  afterEach(() => setMetricsSink(undefined));

  it('sends each outcome at once with its code, and the rest at the flush, to the sink and not to stdout', () => {
    // Prepare
    const blobs: Array<Record<string, unknown>> = [];
    setMetricsSink((emf) => blobs.push(emf));
    const stdout = vi.spyOn(process.stdout, 'write');
    const metrics = deskMetrics('screen');

    // Act
    publishMetrics(metrics, [...screenedMetrics({ outcome: 'ticket_created' }), ...receivedMetrics(1)]);
    const beforeFlush = blobs.length;
    metrics.publishStoredMetrics();

    // Assess
    expect(beforeFlush).toBe(1);
    expect(blobs).toHaveLength(2);
    expect(blobs[0]).toMatchObject({ service: 'screen', outcome: 'ticket_created', IntakeOutcome: 1 });
    expect(blobs[0]?._aws).toMatchObject({
      CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [['service', 'outcome']] }],
    });
    expect(blobs[1]).toMatchObject({ service: 'screen', MailsReceived: 1 });
    expect(blobs[1]).not.toHaveProperty('outcome');
    expect(stdout).not.toHaveBeenCalled();
    stdout.mockRestore();
  });

  it('publishes nothing, and warns of nothing, when an invocation had nothing to count', () => {
    const blobs: unknown[] = [];
    setMetricsSink((emf) => blobs.push(emf));
    const stdout = vi.spyOn(process.stdout, 'write');

    deskMetrics('mail-watch').publishStoredMetrics();

    expect(blobs).toEqual([]);
    expect(stdout).not.toHaveBeenCalled();
    stdout.mockRestore();
  });
});
