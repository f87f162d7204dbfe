/** Waiting for the desk, which works asynchronously (queues between SMTP and the outbox). */
import { eventually as waitFor } from '../../support/stack.ts';

/** Polls until `find` returns something, or gives up after `attempts` × 100 ms with a message naming what was awaited. */
export function eventually<T>(
  find: () => Promise<T | undefined | null | false>,
  what: string,
  attempts = 300,
): Promise<T> {
  return waitFor(find, what, { attempts, intervalMs: 100 });
}

/** A call to the staff API with a token, its JSON body parsed. */
export async function api<T = Record<string, unknown>>(
  baseUrl: string,
  token: string,
  pathAndQuery: string,
  init: RequestInit = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${pathAndQuery}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as T };
}
