/**
 * The local stand-in for SES receiving: an SMTP server on 127.0.0.1 that does what the
 * desk's receipt rule does on AWS.
 *
 * For each mail: accept only the desk addresses at RCPT (550 otherwise, as a rule set that
 * matches no recipient would), compute the SPF, DKIM and DMARC verdicts for real with mailauth
 * against a DNS fixture, store the raw mail in S3 under `prefix + SES message id` (the S3
 * action), then hand the same event SES would send to the Lambda action to `deliver`. The
 * sender gets 250 only once `deliver` has returned, and 451 if anything failed, so that it
 * retries: no mail is lost between SMTP and the desk.
 *
 * The desk runs it on the stand-ins' thread (`stand-ins-worker.ts`), beside fauxqs, and
 * `deliver` crosses to the desk's thread, where `receive` runs.
 */
import { randomInt } from 'node:crypto';
import { authenticate, type DNSResolver } from 'mailauth';
import PostalMime, { addressParser, decodeWords } from 'postal-mime';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { SesReceiptEvent, type SesReceiptEventInput } from '#shared/adapters/ses-event.ts';
import type { Verdict } from '#shared/domain/mail.ts';
import { createDnsFixture, type DnsResolver } from './dns-fixture.ts';
import { EICAR, GTUBE } from './scan-test-strings.ts';

/**
 * SES receiving's limit, which the local desk enforces by default: « the maximum email size
 * (including headers) is 40 MB. Emails larger than that bounce » (SES API reference, S3Action).
 * Read as 40,000,000 bytes, the stricter reading, so that nothing accepted here would bounce there.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 40_000_000;

/** What a sender reads when a mail is over the limit: the limit in words, and what to do instead. */
export function oversizeText(maxMessageBytes: number): string {
  const megabytes = Math.floor(maxMessageBytes / 1_000_000);
  // SMTP replies are 7-bit: French without accents.
  return `Message trop volumineux : la limite est de ${megabytes} Mo (${maxMessageBytes} octets, en-tetes et pieces jointes compris). Merci d'envoyer les fichiers volumineux par un lien de partage.`;
}

/** SES truncates the headers of the event past 10 KB and says so. */
const MAX_EVENT_HEADER_BYTES = 10 * 1024;

/** The Lambda action of the desk's receipt rule, as the event names it. */
export const LOCAL_RECEIVE_ACTION = {
  type: 'Lambda',
  functionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:receive',
  invocationType: 'Event',
} as const;

/** GTUBE and EICAR, which the stand-in honours as SES's scanning would flag them. */
export { EICAR, GTUBE } from './scan-test-strings.ts';

/**
 * A connection that greets as soon as it is accepted. smtp-server waits 100 ms before every
 * greeting to catch clients that talk too early, a defence for a public MX that the library
 * offers no option to turn off. The stand-in listens on loopback only, for the desk's own
 * tools, tests and benches, where the wait was most of each mail's SMTP session (103.6 against
 * 1.8 ms, `scripts/smtp-greeting-wait.ts`) and held a gateway with 4 connections in flight
 * under 40 mails/s whatever the desk did (docs/PERFORMANCE.md, gateway section). Besides the
 * wait, the library's `init` checks `maxClients`, which the stand-in does not set.
 */
class PromptConnection extends SMTPConnection {
  override init(): void {
    this._setListeners(() => this.connectionReady());
  }
}

/** smtp-server with `PromptConnection`s: its `connect`, with the connection above. */
class PromptSmtpServer extends SMTPServer {
  override connect(...[socket, socketOptions]: Parameters<SMTPServer['connect']>): void {
    const connection = new PromptConnection(this, socket, socketOptions);
    this.connections.add(connection);
    connection.on('error', (error: Error) => this._onError(error));
    connection.on('connect', (data) => this._onClientConnect(data));
    connection.init();
  }
}

export type SmtpReceiverOptions = {
  /** Loopback only: the stand-in is never exposed. */
  host?: '127.0.0.1';
  /** 0 picks a free port (read it from the result). */
  port: number;
  /**
   * The S3 action: stores the raw mail under `key` and settles once it is safe (on disk when the
   * desk has a data folder). `putRawMail` (raw-mail-upload.ts) through an S3 client, or fauxqs's
   * store itself when the receiver runs beside it.
   */
  storeRawMail(key: string, raw: Buffer): Promise<void> | void;
  /** Prefix of the raw mail keys, like the S3 action's `objectKeyPrefix` (e.g. `incoming/`). */
  keyPrefix: string;
  /** The only recipients accepted (case-insensitive). */
  deskAddresses: string[];
  /** DNS used for SPF, DKIM and DMARC; defaults to the local fixture (`createDnsFixture()`). */
  resolver?: DnsResolver;
  /** Invokes the `receive` handler, as the Lambda action would; a throw makes the sender retry. */
  deliver(event: SesReceiptEvent): Promise<void>;
  /** Largest accepted message in bytes; bigger ones get 552. Defaults to SES's 40 MB. */
  maxMessageBytes?: number;
  /**
   * Whether the receipt rule scans for spam and viruses. Defaults to true: the desk's rule must
   * scan for its `spam_or_virus` check to mean anything, so a clean local mail gets the PASS
   * that SES with scanning gives it. False reports DISABLED, as SES does without scanning.
   */
  scanning?: boolean;
  /** Told when a mail was answered 451 (by default one line on stderr, never the body). */
  onFailure?: (error: unknown, context: { sesMessageId: string }) => void;
};

export type SmtpReceiver = {
  /** The port actually listened on. */
  port: number;
  /** Stops accepting connections and waits for open ones (at most a few seconds). */
  stop(): Promise<void>;
};

/** Raised (and answered with its SMTP code) when a mail cannot be taken in. */
export class SmtpReceiveError extends Error {
  override name = 'SmtpReceiveError';
  readonly responseCode: number;

  constructor(responseCode: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.responseCode = responseCode;
  }
}

/** An id shaped like SES's (40 lower-case letters and digits), which also names the S3 object. */
export function newSesMessageId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let id = '';
  for (let i = 0; i < 40; i += 1) id += alphabet.charAt(randomInt(alphabet.length));
  return id;
}

/** `::ffff:127.0.0.2` (IPv4 seen by a dual-stack socket) → `127.0.0.2`. */
export function normaliseIp(address: string): string {
  return address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
}

type AuthResult = Awaited<ReturnType<typeof authenticate>>;

/** The receipt verdicts SES reports, from mailauth's results. */
export type AuthVerdicts = { spf: Verdict; dkim: Verdict; dmarc: Verdict; dmarcPolicy?: string };

/**
 * Maps mailauth's results to SES's verdict values. SES documents GRAY as "no policy / not
 * signed" and PROCESSING_FAILED as "could not check", which is how none/neutral and
 * temperror/permerror read.
 */
export function toSesVerdicts(result: AuthResult): AuthVerdicts {
  const spfResult = result.spf ? result.spf.status.result : 'none';
  const spf: Verdict =
    spfResult === 'pass'
      ? 'PASS'
      : spfResult === 'fail' || spfResult === 'softfail'
        ? 'FAIL'
        : spfResult === 'temperror' || spfResult === 'permerror'
          ? 'PROCESSING_FAILED'
          : 'GRAY';

  // mailauth reports an unsigned mail as one `none` result; a broken signature as fail or neutral.
  const signatures = (result.dkim.results ?? []).filter((row) => row.status.result !== 'none');
  const dkim: Verdict =
    signatures.length === 0
      ? 'GRAY'
      : signatures.some((row) => row.status.result === 'pass')
        ? 'PASS'
        : signatures.every((row) => row.status.result === 'temperror')
          ? 'PROCESSING_FAILED'
          : 'FAIL';

  const dmarcResult = result.dmarc ? result.dmarc.status.result : undefined;
  if (dmarcResult === 'pass') return { spf, dkim, dmarc: 'PASS' };
  if (dmarcResult === 'fail') {
    const policy = result.dmarc ? result.dmarc.policy : undefined;
    return { spf, dkim, dmarc: 'FAIL', ...(policy ? { dmarcPolicy: policy.toLowerCase() } : {}) };
  }
  if (dmarcResult === 'none') return { spf, dkim, dmarc: 'GRAY' };
  // No single From address to check, or a DNS failure.
  return { spf, dkim, dmarc: 'PROCESSING_FAILED' };
}

type Header = { name: string; value: string };

/** The header lines of a raw mail, unfolded, in order (values as they are, not decoded). */
export function readHeaders(raw: Buffer): Header[] {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf : lf >= 0 ? lf : raw.length;
  const headers: Header[] = [];
  for (const line of raw.subarray(0, end).toString('utf8').split(/\r?\n/)) {
    const last = headers.at(-1);
    if (/^[ \t]/.test(line) && last) {
      last.value += line;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return headers;
}

function formatMailbox(name: string, address: string): string {
  if (!name) return address;
  const quoted = /[(),:;<>@[\]\\"]/.test(name) ? `"${name.replace(/["\\]/g, '\\$&')}"` : name;
  return `${quoted} <${address}>`;
}

function addressList(value: string): string[] {
  return addressParser(value, { flatten: true })
    .flatMap((entry) => (entry.address !== undefined ? [formatMailbox(entry.name, entry.address)] : []))
    .filter((entry) => entry.length > 0);
}

/** `commonHeaders` as SES builds it: only the headers present, address lists split, subject decoded. */
function commonHeadersOf(headers: Header[], returnPath: string): Record<string, unknown> {
  const first = (name: string) => headers.find((header) => header.name.toLowerCase() === name)?.value;
  const common: Record<string, unknown> = { returnPath };
  for (const [field, header] of [
    ['from', 'from'],
    ['replyTo', 'reply-to'],
    ['to', 'to'],
    ['cc', 'cc'],
  ] as const) {
    const value = first(header);
    if (value !== undefined) common[field] = addressList(value);
  }
  const date = first('date');
  if (date !== undefined) common.date = date;
  const messageId = first('message-id');
  if (messageId !== undefined) common.messageId = messageId;
  const subject = first('subject');
  if (subject !== undefined) common.subject = decodeWords(subject);
  return common;
}

/** The headers of the event: those SES adds, then the mail's own, cut at 10 KB as SES does. */
function eventHeaders(headers: Header[]): { headers: Header[]; headersTruncated: boolean } {
  const kept: Header[] = [];
  let size = 0;
  for (const header of headers) {
    size += Buffer.byteLength(`${header.name}: ${header.value}\r\n`);
    if (size > MAX_EVENT_HEADER_BYTES) return { headers: kept, headersTruncated: true };
    kept.push(header);
  }
  return { headers: kept, headersTruncated: false };
}

function contentOf(content: string | ArrayBuffer | Uint8Array): Buffer {
  if (typeof content === 'string') return Buffer.from(content);
  return content instanceof Uint8Array ? Buffer.from(content) : Buffer.from(new Uint8Array(content));
}

/** Spam and virus verdicts: PASS unless the mail carries GTUBE or EICAR (see {@link GTUBE}). */
async function scanVerdicts(raw: Buffer): Promise<{ spam: Verdict; virus: Verdict }> {
  const email = await PostalMime.parse(raw);
  const bodies = [email.text ?? '', email.html ?? ''];
  const spam = bodies.some((body) => body.includes(GTUBE)) || raw.includes(GTUBE);
  const virus =
    raw.includes(EICAR) ||
    email.attachments.some((attachment) => contentOf(attachment.content).includes(EICAR));
  return { spam: spam ? 'FAIL' : 'PASS', virus: virus ? 'FAIL' : 'PASS' };
}

function smtpDate(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000 (UTC)');
}

/** What the receiver knows of one SMTP transaction when its DATA ends. */
type Transaction = {
  raw: Buffer;
  clientIp: string;
  helo: string;
  /** MAIL FROM, '' for the null sender. */
  mailFrom: string;
  recipients: string[];
  receivedAt: Date;
};

/**
 * Starts the SMTP stand-in for SES receiving on 127.0.0.1.
 * Resolves once it listens, with the port (useful with `port: 0`) and a `stop` function.
 */
export async function startSmtpReceiver(opts: SmtpReceiverOptions): Promise<SmtpReceiver> {
  const host = opts.host ?? '127.0.0.1';
  const maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const resolver = opts.resolver ?? createDnsFixture().resolve;
  const scanning = opts.scanning ?? true;
  const desk = new Set(opts.deskAddresses.map((address) => address.trim().toLowerCase()));
  const deskList = [...desk].join(', ');
  const onFailure =
    opts.onFailure ??
    ((error: unknown, context: { sesMessageId: string }) => {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      console.error(`[smtp] ${context.sesMessageId}: answered 451 (${reason})`);
    });

  /** Everything SES does between the end of DATA and its 250. */
  async function receive(mail: Transaction, sesMessageId: string): Promise<void> {
    // A mail the checks choke on still reaches the desk, marked as not checked, as with SES:
    // answering 451 would make its sender retry it forever.
    const auth = await authenticate(mail.raw, {
      ip: mail.clientIp,
      helo: mail.helo,
      sender: mail.mailFrom,
      mta: 'localhost',
      resolver: resolver as DNSResolver,
      disableArc: true,
      disableBimi: true,
    }).catch(() => undefined);
    const verdicts: AuthVerdicts = auth
      ? toSesVerdicts(auth)
      : { spf: 'PROCESSING_FAILED', dkim: 'PROCESSING_FAILED', dmarc: 'PROCESSING_FAILED' };
    const scanned: { spam: Verdict; virus: Verdict } = scanning
      ? await scanVerdicts(mail.raw).catch(() => ({
          spam: 'PROCESSING_FAILED' as const,
          virus: 'PROCESSING_FAILED' as const,
        }))
      : { spam: 'DISABLED', virus: 'DISABLED' };

    // SES prepends its own trace headers to the stored mail and lists them first in the event.
    const added: Header[] = [
      { name: 'Return-Path', value: `<${mail.mailFrom}>` },
      {
        name: 'Received',
        value: `from ${mail.helo} (${mail.helo} [${mail.clientIp}]) by inbound-smtp.localhost with SMTP id ${sesMessageId} for ${mail.recipients[0] ?? ''}; ${smtpDate(mail.receivedAt)}`,
      },
      { name: 'X-SES-Spam-Verdict', value: scanned.spam },
      { name: 'X-SES-Virus-Verdict', value: scanned.virus },
      ...(auth ? readHeaders(Buffer.from(auth.headers)) : []),
    ];
    const stored = Buffer.concat([
      Buffer.from(added.map((header) => `${header.name}: ${header.value}\r\n`).join('')),
      mail.raw,
    ]);
    const own = readHeaders(mail.raw);
    const destination = own
      .filter((header) => ['to', 'cc'].includes(header.name.toLowerCase()))
      .flatMap((header) => addressParser(header.value, { flatten: true }))
      .flatMap((entry) => (entry.address ? [entry.address] : []));

    const receiptAt = new Date();
    const event: SesReceiptEventInput = {
      Records: [
        {
          eventSource: 'aws:ses',
          eventVersion: '1.0',
          ses: {
            mail: {
              timestamp: mail.receivedAt.toISOString(),
              source: mail.mailFrom,
              messageId: sesMessageId,
              destination,
              ...eventHeaders([...added, ...own]),
              commonHeaders: commonHeadersOf(own, mail.mailFrom),
            },
            receipt: {
              timestamp: receiptAt.toISOString(),
              processingTimeMillis: receiptAt.getTime() - mail.receivedAt.getTime(),
              recipients: mail.recipients,
              spamVerdict: { status: scanned.spam },
              virusVerdict: { status: scanned.virus },
              spfVerdict: { status: verdicts.spf },
              dkimVerdict: { status: verdicts.dkim },
              dmarcVerdict: { status: verdicts.dmarc },
              ...(verdicts.dmarcPolicy ? { dmarcPolicy: verdicts.dmarcPolicy } : {}),
              action: { ...LOCAL_RECEIVE_ACTION },
            },
          },
        },
      ],
    };
    // A bug here must not reach the handler as a half-formed event: check before storing.
    const parsed = SesReceiptEvent.parse(event);

    // On a data folder (`npm start`), S3 answers once the object's file is synced
    // (durable-stores.ts), and SQS once `receive`'s message is: the 250 that follows `deliver`
    // means the mail is on disk, as SES answers once S3 holds it.
    await opts.storeRawMail(`${opts.keyPrefix}${sesMessageId}`, stored);
    await opts.deliver(parsed);
  }

  function onData(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (err?: Error | null, message?: string) => void,
  ): void {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => {
      // Keep reading an oversized mail to its end (SMTP requires it) but not in memory.
      if (!stream.sizeExceeded) chunks.push(chunk);
    });
    stream.on('end', () => {
      if (stream.sizeExceeded) {
        callback(new SmtpReceiveError(552, oversizeText(maxMessageBytes)));
        return;
      }
      const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      const recipients = [
        ...new Set(session.envelope.rcptTo.map((rcpt) => rcpt.address.trim().toLowerCase())),
      ];
      const sesMessageId = newSesMessageId();
      const transaction: Transaction = {
        raw: Buffer.concat(chunks),
        clientIp: normaliseIp(session.remoteAddress),
        helo: session.hostNameAppearsAs || normaliseIp(session.remoteAddress),
        mailFrom,
        recipients,
        receivedAt: new Date(),
      };
      receive(transaction, sesMessageId).then(
        () => callback(null, `Ok ${sesMessageId}`),
        (error: unknown) => {
          onFailure(error, { sesMessageId });
          callback(
            new SmtpReceiveError(451, 'Erreur temporaire de traitement, merci de reessayer plus tard', {
              cause: error,
            }),
          );
        },
      );
    });
  }

  const server = new PromptSmtpServer({
    name: 'localhost',
    banner: 'Assistance LSUN - reception locale (simulation SES)',
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    size: maxMessageBytes,
    // The limit is still announced (`SIZE`) but not by number, so that a client's `SIZE=` over it
    // reaches onMailFrom and gets the French 552 below rather than smtp-server's English one.
    hideSize: true,
    logger: false,
    // The client's name would come from the system's DNS: nothing leaves loopback.
    disableReverseLookup: true,
    closeTimeout: 5_000,
    onMailFrom(address, _session, callback) {
      const declared = Number(address.args && (address.args as Record<string, string>).SIZE);
      if (Number.isFinite(declared) && declared > maxMessageBytes) {
        callback(new SmtpReceiveError(552, oversizeText(maxMessageBytes)));
        return;
      }
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (desk.has(address.address.trim().toLowerCase())) {
        callback();
        return;
      }
      callback(
        new SmtpReceiveError(
          550,
          `<${address.address}> : destinataire inconnu. Adresses acceptees : ${deskList}`,
        ),
      );
    },
    onData,
  });

  const port = await new Promise<number>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.server.once('error', onError);
    server.listen(opts.port, host, () => {
      server.server.off('error', onError);
      const address = server.server.address();
      resolve(typeof address === 'object' && address ? address.port : opts.port);
    });
  });
  // After start-up, an error concerns one client's connection: say so and keep serving.
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ECONNRESET') console.error(`[smtp] connection error: ${error.message}`);
  });

  return {
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
