/** Waiting for the desk, which works asynchronously (queues between SMTP and the outbox). */

/** Polls until `find` returns something, or gives up after `attempts` × 100 ms with a message naming what was awaited. */
export async function eventually<T>(
  find: () => Promise<T | undefined>,
  what: string,
  attempts = 300,
): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const found = await find();
    if (found !== undefined && found !== null && found !== false) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
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
