/**
 * A desk that cannot start leaves nothing running: the stand-ins already up are stopped when
 * another one fails, so the process can end (before, it hung on DynamoDB Local's Java).
 */
import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { freePorts } from '#local/emulators.ts';
import { startDesk } from '#local/stack.ts';

const servers: Server[] = [];

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((closed) => server.close(closed))));
});

/** Whether something listens on `port` of 127.0.0.1. */
async function taken(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const probe = createServer();
    probe.once('error', () => answer(true));
    probe.listen(port, '127.0.0.1', () => probe.close(() => answer(false)));
  });
}

describe('a desk whose SQS port is taken', () => {
  it('refuses to start and stops DynamoDB Local and the SES stand-in it had started', async () => {
    // Prepare: another program holds the port fauxqs wants.
    const [smtp, http, ses, dynamodb, sqs] = (await freePorts(5)) as [number, number, number, number, number];
    const squatter = createServer();
    await new Promise<void>((listening) => squatter.listen(sqs, '127.0.0.1', listening));
    servers.push(squatter);

    // Act
    const start = startDesk({ ports: { smtp, http, ses, dynamodb, sqs }, dataDir: undefined });

    // Assess
    await expect(start).rejects.toThrow();
    expect(await taken(dynamodb)).toBe(false);
    expect(await taken(ses)).toBe(false);
  }, 120_000);
});
