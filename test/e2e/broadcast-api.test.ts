/**
 * The broadcast routes refuse bad input with a clear French error and change nothing: an
 * unknown zone, a zone with nobody to write to, a subject or a text too long, a time in the past
 * or more than a year ahead, sending a cancelled broadcast. Through the local HTTP front and the
 * real `api` function, on the demo directory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let admin: string;

beforeAll(async () => {
  stack = await startTestStack();
  admin = await stack.token('admin@ac-dijon.fr', ['admin']);
});
afterAll(async () => {
  await stack?.stop();
});

/** What these tests read of an answer: a refusal, or a broadcast, or a page of them. */
type Answer = {
  error?: { code: string; message: string; details?: Array<{ path: string; message: string }> };
  id?: string;
  status?: string;
  items?: unknown[];
};

/** One call of the API as the admin; the answer's status and JSON body. */
async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Answer }> {
  const response = await fetch(`${stack.desk.httpUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${admin}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Answer };
}

const content = { subject: 'LSU indisponible lundi matin', text: 'LSU sera indisponible de 8 h à 10 h.' };
const cote = { type: 'departement', code: '21' } as const;

async function broadcastCount(): Promise<number> {
  const { body } = await api('GET', '/api/broadcasts?limit=100');
  return body.items?.length ?? 0;
}

describe('bad input to the broadcasts', () => {
  it('refuses an unknown zone (400) and records no broadcast', async () => {
    // Prepare
    const before = await broadcastCount();

    // Act
    const { status, body } = await api('POST', '/api/broadcasts', {
      ...content,
      zones: [{ type: 'circonscription', code: '21-nulle-part' }],
    });

    // Assess
    expect(status).toBe(400);
    expect(body.error?.code).toBe('unknown_zone');
    expect(body.error?.message).toContain("n'existe pas dans l'annuaire");
    expect(await broadcastCount()).toBe(before);
  });

  it('refuses a zone with no active director (422), in French', async () => {
    // Prepare: the only director of this school leaves the directory.
    const gone = await api('DELETE', '/api/directory/directors/camille.martin%40ac-dijon.fr');
    expect(gone.status).toBe(200);

    // Act
    const { status, body } = await api('POST', '/api/broadcasts', {
      ...content,
      zones: [{ type: 'ecole', code: '0211234C' }],
    });

    // Assess
    expect(status).toBe(422);
    expect(body.error).toMatchObject({ code: 'empty_zone' });
    expect(body.error?.message).toContain('Aucun directeur actif');
  });

  it('refuses a subject over 200 characters and a text over 20,000, saying which field', async () => {
    // Act
    const long = await api('POST', '/api/broadcasts', {
      ...content,
      subject: 'x'.repeat(201),
      zones: [cote],
    });
    const huge = await api('POST', '/api/broadcasts', {
      ...content,
      text: 'x'.repeat(20_001),
      zones: [cote],
    });

    // Assess
    expect(long.status).toBe(400);
    expect(long.body.error?.details).toEqual([expect.objectContaining({ path: 'subject' })]);
    expect(huge.status).toBe(400);
    expect(huge.body.error?.details).toEqual([expect.objectContaining({ path: 'text' })]);
  });

  it('refuses a time in the past or more than a year ahead, and leaves the draft a draft', async () => {
    // Prepare
    const draft = await api('POST', '/api/broadcasts', { ...content, zones: [cote] });
    expect(draft.status).toBe(201);
    const id = draft.body.id ?? '';

    // Act
    const past = await api('POST', `/api/broadcasts/${id}/send`, { at: '2020-01-06T08:00:00+01:00' });
    const tooFar = await api('POST', `/api/broadcasts/${id}/send`, {
      at: new Date(Date.now() + 400 * 86_400_000).toISOString(),
    });

    // Assess
    expect(past.status).toBe(400);
    expect(past.body.error).toMatchObject({ code: 'invalid_schedule' });
    expect(past.body.error?.message).toContain('déjà passée');
    expect(tooFar.status).toBe(400);
    expect(tooFar.body.error?.message).toContain('un an au plus');
    expect((await api('GET', `/api/broadcasts/${id}`)).body.status).toBe('draft');
  });

  it('refuses to send a cancelled broadcast (409)', async () => {
    // Prepare
    const draft = await api('POST', '/api/broadcasts', { ...content, zones: [cote] });
    const id = draft.body.id ?? '';
    expect((await api('POST', `/api/broadcasts/${id}/cancel`)).status).toBe(200);

    // Act
    const { status, body } = await api('POST', `/api/broadcasts/${id}/send`, {});

    // Assess
    expect(status).toBe(409);
    expect(body.error).toMatchObject({ code: 'broadcast_state' });
    expect((await api('GET', `/api/broadcasts/${id}`)).body.status).toBe('cancelled');
  });
});
