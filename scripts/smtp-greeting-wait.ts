/**
 * What one SMTP session costs a mail gateway against the SES stand-in's server library, with and
 * without smtp-server's wait before its greeting (docs/PERFORMANCE.md, gateway section).
 *
 * smtp-server waits 100 ms on every new connection before it greets, to catch clients that talk
 * too early; the wait is written in `SMTPConnection.init`, not an option. This script times
 * nodemailer sending one small mail per connection, as `bench/gateway.ts` does, to a bare
 * smtp-server with the stand-in's connection options (`local/smtp-receiver.ts`), then to the same
 * server with `init` rewritten here to greet at once, as the stand-in's `PromptConnection` does
 * since this measure: it times the wait alone, apart from the desk.
 *
 *   npx tsx scripts/smtp-greeting-wait.ts             # 30 mails each way
 *   npx tsx scripts/smtp-greeting-wait.ts --mails 100
 */
import { connect } from 'node:net';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

const { values } = parseArgs({ options: { mails: { type: 'string', default: '30' } } });
const mails = Number(values.mails);
if (!Number.isInteger(mails) || mails < 1) {
  process.stderr.write(`--mails : un nombre entier d'au moins 1, pas « ${values.mails} ».\n`);
  process.exit(2);
}

const RAW = Buffer.from(
  'From: camille.martin@ac-dijon.fr\r\nTo: assistance1d@ac-dijon.fr\r\nSubject: LSUN essai\r\n\r\nBonjour\r\n',
);

/** Median and extremes, in ms, of one connection and one mail each, `mails` times. */
async function timeSessions(): Promise<{ p50: number; min: number; max: number }> {
  const server = new SMTPServer({
    name: 'localhost',
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    hideSize: true,
    logger: false,
    disableReverseLookup: true,
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    name: 'relais.ac-dijon.fr',
    getSocket: (_options, callback) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => callback(null, { connection: socket }));
    },
  });
  const times: number[] = [];
  for (let i = 0; i < mails; i++) {
    const start = performance.now();
    await transport.sendMail({
      envelope: { from: 'camille.martin@ac-dijon.fr', to: ['assistance1d@ac-dijon.fr'] },
      raw: RAW,
    });
    times.push(performance.now() - start);
  }
  transport.close();
  await new Promise<void>((closed) => server.close(() => closed()));
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)] ?? 0, min: times[0] ?? 0, max: times.at(-1) ?? 0 };
}

const ms = (n: number) => `${n.toFixed(1)} ms`;
const show = (label: string, t: { p50: number; min: number; max: number }) =>
  process.stdout.write(
    `${label} : médiane ${ms(t.p50)} (min ${ms(t.min)}, max ${ms(t.max)}) par courriel, ${mails} courriels\n`,
  );

show('smtp-server tel quel', await timeSessions());
// For the measure only: the session starts at once, without the library's wait.
const prototype = SMTPConnection.prototype as unknown as {
  init(): void;
  _setListeners(ready: () => void): void;
  connectionReady(): void;
};
prototype.init = function init(this: typeof prototype) {
  this._setListeners(() => this.connectionReady());
};
show('sans l’attente avant le salut', await timeSessions());
