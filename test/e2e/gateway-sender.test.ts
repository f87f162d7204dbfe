/**
 * The gateway benchmark's sender (bench/lib/gateway-sender.ts) delivers as a mail gateway does:
 * one new SMTP connection per mail, never a kept-open pool. Its figures (issue 12: ≥ 35 mails/s,
 * p95 ≤ 300 ms at 20/s) only mean something if the desk really pays a handshake per mail, so this
 * counts the connections the desk receives, through a relay in front of its SMTP port.
 */
import { connect, createServer, type Server } from 'node:net';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewaySender } from '../../bench/lib/gateway-sender.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let relay: Server;
let relayPort = 0;
let connectionsReceived = 0;

beforeAll(async () => {
  stack = await startTestStack();
  // A TCP relay that counts connections and keeps each one's source address (the SPF check reads it).
  relay = createServer((client) => {
    connectionsReceived++;
    const upstream = connect({
      host: '127.0.0.1',
      port: stack.desk.smtpPort,
      localAddress: client.remoteAddress?.replace(/^::ffff:/, ''),
    });
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  relayPort = (relay.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((resolve) => relay?.close(resolve));
  await stack?.stop();
});

async function rawMail(n: number): Promise<Buffer> {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await composer.sendMail({
    from: 'Camille Martin <camille.martin@ac-dijon.fr>',
    to: 'assistance1d@ac-dijon.fr',
    subject: `LSUN : bulletins du CM${n} introuvables`,
    text: 'Bonjour, les bulletins de la classe ne s’affichent plus. Merci de votre aide.',
  });
  return info.message as Buffer;
}

describe('the gateway benchmark’s sender', () => {
  it('opens a new SMTP connection for each mail, and the desk accepts each one with its own id', async () => {
    // Prepare
    const sender = new GatewaySender(relayPort);
    const mail = {
      kind: 'new_request' as const,
      expected: 'ticket_created' as const,
      source: '127.0.0.2' as const,
      envelopeFrom: 'camille.martin@ac-dijon.fr',
      to: 'assistance1d@ac-dijon.fr',
      messageId: '',
      bytes: 0,
    };
    const before = connectionsReceived;

    // Act: three mails one after the other, as one delivery slot of a gateway sends them.
    const sent = [];
    for (const n of [1, 2, 3]) sent.push(await sender.send(mail, await rawMail(n)));
    sender.close();

    // Assess
    expect(connectionsReceived - before).toBe(3);
    expect(sender.connections).toBe(3);
    expect(new Set(sent.map((s) => s.sesMessageId)).size).toBe(3);
  });
});
