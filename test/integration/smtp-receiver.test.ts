import { once } from 'node:events';
import { connect } from 'node:net';
import { setTimeout as realDelay } from 'node:timers/promises';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDnsFixture } from '#local/dns-fixture.ts';
import { putRawMail } from '#local/raw-mail-upload.ts';
import { openTestMailer, sendTestMail } from '#local/send-mail.ts';
import { GTUBE, type SmtpReceiver, startSmtpReceiver } from '#local/smtp-receiver.ts';
import { SesReceiptEvent, toReceivedMail } from '#shared/adapters/ses-event.ts';
import { pipeline } from '#shared/pipeline.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';

const DESK = 'assistance1d@ac-dijon.fr';
const OTHER_DESK = 'assistance.1erdegre@ac-dijon.fr';
const DIRECTOR = 'ce.0211234c@ac-dijon.fr';

/** The error nodemailer rejects with when the server refuses (its SMTP code). */
type SmtpClientError = Error & { responseCode?: number };

async function sendExpectingRefusal(send: Promise<unknown>): Promise<SmtpClientError> {
  try {
    await send;
  } catch (error) {
    return error as SmtpClientError;
  }
  throw new Error('the server accepted a mail it should have refused');
}

describe('local SMTP stand-in for SES receiving', () => {
  let test: TestResources;
  let receiver: SmtpReceiver;
  const delivered: SesReceiptEvent[] = [];
  let deliveryFailure: Error | undefined;

  beforeAll(async () => {
    test = await makeTestResources('smtp-receiver');
    receiver = await startSmtpReceiver({
      port: 0,
      storeRawMail: (key, raw) => putRawMail(test.clients.s3, test.resources.bucket, key, raw),
      keyPrefix: pipeline.rawMailPrefix,
      deskAddresses: [DESK, OTHER_DESK],
      resolver: createDnsFixture().resolve,
      onFailure: () => {},
      deliver: async (event) => {
        if (deliveryFailure) throw deliveryFailure;
        delivered.push(event);
      },
    });
  });

  afterAll(async () => {
    await receiver?.stop();
    test?.destroy();
  });

  beforeEach(() => {
    deliveryFailure = undefined;
  });

  /** The event delivered for a mail, found by the SES message id of the 250 answer. */
  function deliveredFor(sesMessageId: string): SesReceiptEvent {
    const event = delivered.find((candidate) => candidate.Records[0]?.ses.mail.messageId === sesMessageId);
    if (!event) throw new Error(`no event delivered for ${sesMessageId}`);
    return event;
  }

  function verdictsOf(sesMessageId: string) {
    const record = deliveredFor(sesMessageId).Records[0];
    if (!record) throw new Error('event without a record');
    return toReceivedMail(record).verdicts;
  }

  it('passes SPF and DMARC for a mail of ac-dijon.fr submitted from 127.0.0.2', async () => {
    // Act
    const sent = await sendTestMail({
      port: receiver.port,
      from: DIRECTOR,
      to: DESK,
      subject: 'LSUN bulletin introuvable',
      text: 'Bonjour',
      sourceAddress: '127.0.0.2',
    });

    // Assess
    expect(sent.response).toMatch(/^250 /);
    expect(verdictsOf(sent.sesMessageId)).toEqual({
      spf: 'PASS',
      dkim: 'GRAY',
      dmarc: 'PASS',
      spam: 'PASS',
      virus: 'PASS',
    });
  });

  it('passes DKIM and DMARC for a mail signed with the dev key, sent from 127.0.0.1', async () => {
    // Act
    const sent = await sendTestMail({
      port: receiver.port,
      from: `École Jules Ferry <${DIRECTOR}>`,
      to: DESK,
      subject: 'LSUN signé',
      text: 'Bonjour',
      sourceAddress: '127.0.0.1',
      dkimSign: true,
    });

    // Assess
    expect(verdictsOf(sent.sesMessageId)).toMatchObject({ spf: 'FAIL', dkim: 'PASS', dmarc: 'PASS' });
  });

  it('fails DMARC, with the reject policy, for an unsigned mail claiming ac-dijon.fr from 127.0.0.1', async () => {
    // Act
    const sent = await sendTestMail({
      port: receiver.port,
      from: DIRECTOR,
      to: DESK,
      subject: 'LSUN usurpé',
      text: 'Bonjour',
      sourceAddress: '127.0.0.1',
    });

    // Assess
    const record = deliveredFor(sent.sesMessageId).Records[0];
    expect(record?.ses.receipt.dmarcPolicy).toBe('reject');
    expect(verdictsOf(sent.sesMessageId)).toMatchObject({
      spf: 'FAIL',
      dmarc: 'FAIL',
      dmarcPolicy: 'reject',
    });
  });

  it('reports DMARC GRAY for a domain that publishes no DMARC policy', async () => {
    // Act
    const sent = await sendTestMail({
      port: receiver.port,
      from: 'directeur.ecole@gmail.com',
      to: DESK,
      subject: 'LSUN depuis gmail',
      text: 'Bonjour',
    });

    // Assess
    const verdicts = verdictsOf(sent.sesMessageId);
    expect(verdicts).toMatchObject({ spf: 'GRAY', dkim: 'GRAY', dmarc: 'GRAY' });
    expect(verdicts.dmarcPolicy).toBeUndefined();
  });

  it('passes DMARC for another domain a test publishes in the fixture', async () => {
    // Prepare
    const fixture = createDnsFixture().addDomain('ac-besancon.fr', {
      spf: 'v=spf1 ip4:127.0.0.3 -all',
      dmarc: 'v=DMARC1; p=quarantine',
    });
    const other = await startSmtpReceiver({
      port: 0,
      storeRawMail: (key, raw) => putRawMail(test.clients.s3, test.resources.bucket, key, raw),
      keyPrefix: pipeline.rawMailPrefix,
      deskAddresses: [DESK],
      resolver: fixture.resolve,
      deliver: async (event) => {
        delivered.push(event);
      },
    });

    try {
      // Act
      const sent = await sendTestMail({
        port: other.port,
        from: 'ce.0251234x@ac-besancon.fr',
        to: DESK,
        subject: 'LSUN voisin',
        text: 'Bonjour',
        sourceAddress: '127.0.0.3',
      });

      // Assess
      expect(verdictsOf(sent.sesMessageId)).toMatchObject({ spf: 'PASS', dmarc: 'PASS' });
    } finally {
      await other.stop();
    }
  });

  it('greets a new connection at once, without smtp-server’s 100 ms wait for early talkers', async () => {
    // Prepare: the clock stands still for the server, so a greeting behind a timer never comes
    // (node:timers/promises keeps real time for the test's own limit).
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const socket = connect({ host: '127.0.0.1', port: receiver.port });

    try {
      // Act
      const first = await Promise.race([
        once(socket, 'data').then(([chunk]) => String(chunk)),
        realDelay(5_000, 'no greeting while the clock stood still'),
      ]);

      // Assess
      expect(first).toMatch(/^220 localhost /);
    } finally {
      socket.destroy();
      vi.useRealTimers();
    }
  });

  it('takes several mails over one reused connection, each with its own id and envelope', async () => {
    // Prepare
    const mailer = openTestMailer({ port: receiver.port, maxConnections: 1 });

    try {
      // Act
      const first = await mailer.send({ from: DIRECTOR, to: DESK, subject: 'LSUN un', text: '1' });
      const second = await mailer.send({
        from: 'autre@gmail.com',
        to: OTHER_DESK,
        subject: 'LSUN deux',
        text: '2',
      });

      // Assess
      expect(first.sesMessageId).not.toBe(second.sesMessageId);
      expect(deliveredFor(first.sesMessageId).Records[0]?.ses.receipt.recipients).toEqual([DESK]);
      expect(deliveredFor(second.sesMessageId).Records[0]?.ses.mail.source).toBe('autre@gmail.com');
      expect(deliveredFor(second.sesMessageId).Records[0]?.ses.receipt.recipients).toEqual([OTHER_DESK]);
    } finally {
      mailer.close();
    }
  });

  it('refuses a recipient other than the desk addresses with 550 at RCPT, and delivers nothing', async () => {
    // Prepare
    const before = delivered.length;

    // Act
    const error = await sendExpectingRefusal(
      sendTestMail({
        port: receiver.port,
        from: DIRECTOR,
        to: 'secretariat@ac-dijon.fr',
        subject: 'LSUN mauvaise adresse',
        text: 'Bonjour',
      }),
    );

    // Assess
    expect(error.responseCode).toBe(550);
    expect(error.message).toMatch(/destinataire inconnu/);
    expect(delivered.length).toBe(before);
  });

  it('accepts a desk address whatever its case, and reports it in lower case', async () => {
    // Act
    const sent = await sendTestMail({
      port: receiver.port,
      from: DIRECTOR,
      to: 'Assistance.1erDegre@AC-DIJON.fr',
      subject: 'LSUN majuscules',
      text: 'Bonjour',
    });

    // Assess
    expect(deliveredFor(sent.sesMessageId).Records[0]?.ses.receipt.recipients).toEqual([OTHER_DESK]);
  });

  it('stores the raw mail in S3 under the prefix and SES message id, with SES trace headers first', async () => {
    // Act
    const sent = await sendTestMail({
      port: receiver.port,
      from: DIRECTOR,
      to: DESK,
      subject: 'LSUN stockage',
      text: 'Corps du message à conserver',
    });

    // Assess
    expect(sent.sesMessageId).toMatch(/^[a-z0-9]{40}$/);
    const object = await test.clients.s3.send(
      new GetObjectCommand({ Bucket: test.resources.bucket, Key: `incoming/${sent.sesMessageId}` }),
    );
    const stored = (await object.Body?.transformToString('utf8')) ?? '';
    expect(stored.startsWith(`Return-Path: <${DIRECTOR}>\r\nReceived: `)).toBe(true);
    expect(stored).toContain('Authentication-Results: localhost;');
    expect(stored).toContain(`Message-ID: <${sent.messageId}>`);
    expect(stored).toContain('Subject: LSUN stockage');
  });

  it('delivers the event SES would send, which SesReceiptEvent accepts as it comes over the wire', async () => {
    // Act
    const sent = await sendTestMail({
      port: receiver.port,
      from: `Directrice <${DIRECTOR}>`,
      to: DESK,
      subject: 'LSUN évaluation =?',
      text: 'Bonjour',
      headers: { 'X-Test': 'oui' },
    });

    // Assess
    const wire = JSON.parse(JSON.stringify(deliveredFor(sent.sesMessageId)));
    const record = SesReceiptEvent.parse(wire).Records[0];
    expect(record?.eventSource).toBe('aws:ses');
    expect(record?.ses.mail).toMatchObject({
      source: DIRECTOR,
      messageId: sent.sesMessageId,
      destination: [DESK],
      headersTruncated: false,
      commonHeaders: {
        returnPath: DIRECTOR,
        from: [`Directrice <${DIRECTOR}>`],
        to: [DESK],
        messageId: `<${sent.messageId}>`,
        subject: 'LSUN évaluation =?',
      },
    });
    expect(record?.ses.mail.headers).toContainEqual({ name: 'X-Test', value: 'oui' });
    expect(record?.ses.receipt).toMatchObject({
      recipients: [DESK],
      action: {
        type: 'Lambda',
        functionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:receive',
        invocationType: 'Event',
      },
    });
    expect(record?.ses.receipt.dmarcPolicy).toBeUndefined();
  });

  it('truncates the headers of the event past 10 KB and says so, keeping the raw mail whole', async () => {
    // Act
    const sent = await sendTestMail({
      port: receiver.port,
      from: DIRECTOR,
      to: DESK,
      subject: 'LSUN en-têtes longs',
      text: 'Bonjour',
      headers: { 'X-Long': 'mot '.repeat(3_000) },
    });

    // Assess
    const mail = deliveredFor(sent.sesMessageId).Records[0]?.ses.mail;
    expect(mail?.headersTruncated).toBe(true);
    expect(mail?.headers.some((header) => header.name === 'X-Long')).toBe(false);
    expect(mail?.commonHeaders.subject).toBe('LSUN en-têtes longs');
  });

  it('reports an empty source and return path for a null sender (a bounce)', async () => {
    // Act
    const sent = await sendTestMail({
      port: receiver.port,
      from: 'MAILER-DAEMON@ac-dijon.fr',
      to: DESK,
      subject: 'Undelivered Mail Returned to Sender',
      text: 'Rapport de non-remise',
      envelopeFrom: null,
    });

    // Assess
    const record = deliveredFor(sent.sesMessageId).Records[0];
    if (!record) throw new Error('event without a record');
    expect(toReceivedMail(record).envelopeFrom).toBe('');
    expect(record.ses.mail.headers[0]).toEqual({ name: 'Return-Path', value: '<>' });
  });

  it('reports spam FAIL for a mail carrying the GTUBE test string', async () => {
    // Act
    const sent = await sendTestMail({
      port: receiver.port,
      from: DIRECTOR,
      to: DESK,
      subject: 'LSUN pourriel',
      text: `Test\n${GTUBE}\n`,
    });

    // Assess
    expect(verdictsOf(sent.sesMessageId)).toMatchObject({ spam: 'FAIL', virus: 'PASS' });
  });

  it('answers 451 when delivering to the handler fails, so that the sender retries', async () => {
    // Prepare
    deliveryFailure = new Error('receive handler down');
    const before = delivered.length;

    // Act
    const error = await sendExpectingRefusal(
      sendTestMail({ port: receiver.port, from: DIRECTOR, to: DESK, subject: 'LSUN à réessayer', text: 'x' }),
    );

    // Assess
    expect(error.responseCode).toBe(451);
    expect(delivered.length).toBe(before);
  });

  it('refuses a mail over the size limit with 552', async () => {
    // Prepare
    const small = await startSmtpReceiver({
      port: 0,
      storeRawMail: (key, raw) => putRawMail(test.clients.s3, test.resources.bucket, key, raw),
      keyPrefix: pipeline.rawMailPrefix,
      deskAddresses: [DESK],
      maxMessageBytes: 2_000,
      deliver: async (event) => {
        delivered.push(event);
      },
    });
    const before = delivered.length;

    try {
      // Act
      const error = await sendExpectingRefusal(
        sendTestMail({
          port: small.port,
          from: DIRECTOR,
          to: DESK,
          subject: 'LSUN gros',
          text: 'x'.repeat(5_000),
        }),
      );

      // Assess
      expect(error.responseCode).toBe(552);
      expect(delivered.length).toBe(before);
    } finally {
      await small.stop();
    }
  });
});
