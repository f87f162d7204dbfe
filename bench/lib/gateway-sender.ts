/**
 * The way a mail gateway (an MTA relaying to a help desk) delivers: a new SMTP connection per
 * mail — connect, EHLO, MAIL FROM, RCPT TO, DATA, QUIT — never a kept-open pool. Each mail pays
 * the TCP handshake, the greeting and the EHLO, as the desk will see in production behind its
 * relay. nodemailer's plain SMTP transport (no `pool`) does exactly that; the sockets are opened
 * here (its `getSocket` hook) so that the connections can be counted.
 */
import { connect } from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import type { CorpusMail, SourceAddress } from './corpus.ts';
import { type MailSender, type SentMail, sendOverSmtp } from './sender.ts';

/** One connection per mail, from the mail's source address; counts the connections it opened. */
export class GatewaySender implements MailSender {
  readonly #transports: Record<SourceAddress, Transporter>;
  /** TCP connections opened so far (each SMTP session opens exactly one). */
  connections = 0;

  constructor(port: number, host = '127.0.0.1') {
    const open = (localAddress: SourceAddress) =>
      nodemailer.createTransport({
        host,
        port,
        secure: false,
        ignoreTLS: true,
        name: 'relais.ac-dijon.fr',
        connectionTimeout: 10_000,
        getSocket: (_options, callback) => {
          const socket = connect({ host, port, localAddress });
          socket.once('error', (error) => callback(error, undefined as never));
          socket.once('connect', () => {
            this.connections++;
            callback(null, { connection: socket });
          });
        },
      });
    this.#transports = { '127.0.0.2': open('127.0.0.2'), '127.0.0.1': open('127.0.0.1') };
  }

  /** Delivers one raw mail over a connection of its own (the handshake counts in its time). */
  send(mail: CorpusMail, raw: Buffer): Promise<SentMail> {
    return sendOverSmtp(this.#transports[mail.source], mail, raw);
  }

  close(): void {
    for (const transport of Object.values(this.#transports)) transport.close();
  }
}
