/**
 * Sends a mail to the local SMTP stand-in, the way a director's mail server would: from
 * 127.0.0.2 (the address the DNS fixture's SPF allows for ac-dijon.fr) or from 127.0.0.1,
 * optionally DKIM-signed with the dev-only key. Used by tests, the benchmark and anyone
 * trying the desk by hand:
 *
 *   npx tsx local/send-mail.ts --from ce.0211234c@ac-dijon.fr --subject "LSUN bulletin" --text "..."
 *
 * (`--help` lists the options; the port comes from LSUN_SMTP_PORT, else 2525.)
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import nodemailer, { type Attachment, type DKIMOptions, type SendMailOptions } from 'nodemailer';
import { DEV_DKIM_SELECTOR, devDkimPrivateKey, FIXTURE_SPF_IP } from './dns-fixture.ts';

/** The desk address a test mail goes to when none is given on the command line. */
export const DEFAULT_DESK_ADDRESS = 'assistance1d@ac-dijon.fr';

/** Where and how a test mail is submitted: the SMTP connection. */
export type TestMailerOptions = {
  port: number;
  /** Server to connect to; 127.0.0.1 by default. */
  host?: string;
  /**
   * Local address the connection comes from: 127.0.0.2 (default) passes the fixture's SPF for
   * ac-dijon.fr, 127.0.0.1 fails it. Linux routes all of 127/8 to loopback.
   */
  sourceAddress?: '127.0.0.2' | '127.0.0.1' | (string & {});
  /** Name given in EHLO. */
  helo?: string;
  /**
   * Keep up to this many connections open and reuse them (the benchmark): the local server,
   * like many MTAs, waits 100 ms before greeting each new connection. Off by default.
   */
  maxConnections?: number;
};

/** One test mail. */
export type TestMailContent = {
  /** The From header (`addr` or `Name <addr>`). */
  from: string;
  /** The recipient (To header and RCPT TO). */
  to: string;
  subject: string;
  text?: string;
  html?: string;
  /** Extra headers, e.g. `{ 'Auto-Submitted': 'auto-replied' }`. */
  headers?: Record<string, string>;
  attachments?: Attachment[];
  /** MAIL FROM; defaults to the From address; null sends the empty return path of a bounce. */
  envelopeFrom?: string | null;
  /**
   * Sign with DKIM: true uses the dev-only key (selector `local`, domain of the From address);
   * an object gives another key (e.g. one a test published with `DnsFixture.addDomain`).
   */
  dkimSign?: boolean | DKIMOptions;
  /** The Message-ID header, with or without angle brackets; generated if absent. */
  messageId?: string;
  inReplyTo?: string;
  references?: string | string[];
};

export type SendTestMailOptions = TestMailerOptions & TestMailContent;

export type SendTestMailResult = {
  /** The Message-ID header sent, without angle brackets. */
  messageId: string;
  /** The server's final answer, e.g. `250 2.6.0 Ok <id>`. */
  response: string;
  /** The SES message id the local stand-in gave the mail ('' if the answer does not carry one). */
  sesMessageId: string;
};

/** A connection (or a pool of them) to the local SMTP server, for sending many test mails. */
export type TestMailer = {
  send(mail: TestMailContent): Promise<SendTestMailResult>;
  /** Closes the pooled connections. */
  close(): void;
};

function addressOf(mailbox: string): string {
  const match = /<([^>]*)>\s*$/.exec(mailbox);
  return (match?.[1] ?? mailbox).trim();
}

function bracketed(id: string): string {
  const bare = id.trim().replace(/^<|>$/g, '');
  return `<${bare}>`;
}

function dkimOptions(mail: TestMailContent): DKIMOptions | undefined {
  if (mail.dkimSign === true) {
    return {
      domainName: addressOf(mail.from).split('@').pop() ?? '',
      keySelector: DEV_DKIM_SELECTOR,
      privateKey: devDkimPrivateKey(),
    };
  }
  return mail.dkimSign || undefined;
}

function messageOf(mail: TestMailContent): SendMailOptions {
  const dkim = dkimOptions(mail);
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    ...(mail.text !== undefined ? { text: mail.text } : {}),
    ...(mail.html !== undefined ? { html: mail.html } : {}),
    ...(mail.headers ? { headers: mail.headers } : {}),
    ...(mail.attachments ? { attachments: mail.attachments } : {}),
    ...(mail.messageId ? { messageId: bracketed(mail.messageId) } : {}),
    ...(mail.inReplyTo ? { inReplyTo: bracketed(mail.inReplyTo) } : {}),
    ...(mail.references ? { references: [mail.references].flat().map(bracketed) } : {}),
    ...(mail.envelopeFrom !== undefined
      ? { envelope: { from: mail.envelopeFrom ?? false, to: [addressOf(mail.to)] } }
      : {}),
    ...(dkim ? { dkim } : {}),
  };
}

/**
 * Opens a mailer to the local SMTP server (no TLS, no auth: the stand-in offers neither).
 * With `maxConnections`, connections are pooled and reused.
 */
export function openTestMailer(opts: TestMailerOptions): TestMailer {
  const connection = {
    host: opts.host ?? '127.0.0.1',
    port: opts.port,
    secure: false,
    ignoreTLS: true,
    localAddress: opts.sourceAddress ?? FIXTURE_SPF_IP,
    name: opts.helo ?? 'sender.localhost',
    connectionTimeout: 10_000,
  };
  const transport = opts.maxConnections
    ? nodemailer.createTransport({
        ...connection,
        pool: true,
        maxConnections: opts.maxConnections,
        maxMessages: Number.POSITIVE_INFINITY,
      })
    : nodemailer.createTransport(connection);
  return {
    async send(mail) {
      const info = await transport.sendMail(messageOf(mail));
      const response = String(info.response ?? '');
      return {
        messageId: String(info.messageId ?? '').replace(/^<|>$/g, ''),
        response,
        sesMessageId: /\bOk ([a-z0-9]{40})\b/.exec(response)?.[1] ?? '',
      };
    },
    close: () => transport.close(),
  };
}

/**
 * Sends one mail over its own SMTP connection.
 * Rejects with nodemailer's error (its `responseCode` says 550, 552, 451…) when the server refuses.
 */
export async function sendTestMail(opts: SendTestMailOptions): Promise<SendTestMailResult> {
  const mailer = openTestMailer(opts);
  try {
    return await mailer.send(opts);
  } finally {
    mailer.close();
  }
}

const usage = `Envoie un courriel de test au serveur SMTP local du desk.

  npx tsx local/send-mail.ts --from ce.0211234c@ac-dijon.fr --subject "LSUN bulletin" --text "Bonjour..."

Options :
  --from ADRESSE          expéditeur (en-tête From), obligatoire
  --to ADRESSE            destinataire (défaut ${DEFAULT_DESK_ADDRESS})
  --subject TEXTE         sujet, obligatoire
  --text TEXTE            corps texte
  --html HTML             corps HTML
  --attach FICHIER        pièce jointe (répétable)
  --header "Nom: valeur"  en-tête supplémentaire (répétable)
  --source IP             adresse d'envoi : 127.0.0.2 (défaut, SPF valide pour ac-dijon.fr) ou 127.0.0.1
  --sign                  signer en DKIM avec la clé de développement (sélecteur local)
  --envelope-from ADR     MAIL FROM (défaut : l'adresse From)
  --null-sender           MAIL FROM vide (comme un rapport de non-remise)
  --in-reply-to ID        en-tête In-Reply-To
  --references ID         en-tête References (répétable)
  --message-id ID         en-tête Message-ID
  --host HÔTE --port PORT serveur SMTP (défaut 127.0.0.1, port LSUN_SMTP_PORT ou 2525)
`;

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      from: { type: 'string' },
      to: { type: 'string', default: DEFAULT_DESK_ADDRESS },
      subject: { type: 'string' },
      text: { type: 'string' },
      html: { type: 'string' },
      attach: { type: 'string', multiple: true },
      header: { type: 'string', multiple: true },
      source: { type: 'string', default: FIXTURE_SPF_IP },
      sign: { type: 'boolean', default: false },
      'envelope-from': { type: 'string' },
      'null-sender': { type: 'boolean', default: false },
      'in-reply-to': { type: 'string' },
      references: { type: 'string', multiple: true },
      'message-id': { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: process.env.LSUN_SMTP_PORT ?? '2525' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || !values.from || values.subject === undefined) {
    console.log(usage);
    if (!values.help) process.exitCode = 2;
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`Port invalide : ${values.port}`);
  const headers: Record<string, string> = {};
  for (const line of values.header ?? []) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`En-tête invalide (attendu "Nom: valeur") : ${line}`);
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  const result = await sendTestMail({
    port,
    host: values.host,
    from: values.from,
    to: values.to,
    subject: values.subject,
    text: values.text ?? (values.html === undefined ? '' : undefined),
    html: values.html,
    headers,
    attachments: (values.attach ?? []).map((file) => ({
      filename: basename(file),
      content: readFileSync(resolve(file)),
    })),
    envelopeFrom: values['null-sender'] ? null : values['envelope-from'],
    sourceAddress: values.source,
    dkimSign: values.sign,
    messageId: values['message-id'],
    inReplyTo: values['in-reply-to'],
    references: values.references,
  });
  console.log(`Envoyé : ${result.response}`);
  console.log(`Message-ID : <${result.messageId}>`);
  if (result.sesMessageId) console.log(`Identifiant SES local : ${result.sesMessageId}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    const detail = error instanceof Error ? error.message : String(error);
    console.error(`Échec de l'envoi : ${detail}`);
    process.exitCode = 1;
  });
}
