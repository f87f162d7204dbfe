/** Local sign-in: asks the local identity provider (`local/console-auth.ts`) for a demo account's token. */
import * as z from 'zod';
import type { DemoAccount, LocalAuth } from '../config.ts';
import { expiryOf, type Session } from '../session.ts';

const TokenAnswer = z.object({ token: z.string().min(1) });

export class SignInError extends Error {
  override name = 'SignInError';
}

/** Signs in as a demo account. */
export async function localSignIn(auth: LocalAuth, account: DemoAccount): Promise<Session> {
  const response = await fetch(auth.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: account.email, group: account.group }),
    credentials: 'omit',
  });
  const parsed = TokenAnswer.safeParse(await response.json().catch(() => undefined));
  if (!response.ok || !parsed.success) {
    throw new SignInError('La connexion locale a échoué. Le bureau local est-il démarré ?');
  }
  return { token: parsed.data.token, expiresAt: expiryOf(parsed.data.token) };
}
