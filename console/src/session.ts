/**
 * The signed-in session, kept in memory only: a token never goes to `localStorage` or
 * `sessionStorage`, where any script running on the origin could read it long after. A reload
 * therefore asks to sign in again (with Cognito, managed login's own session makes that one click).
 */
import { useSyncExternalStore } from 'react';

export type Session = {
  /** The bearer token the API checks (the Cognito ID token: it carries the email and groups). */
  token: string;
  /** Epoch milliseconds when the token stops being valid. */
  expiresAt: number;
  /** Renews the token without the person (Cognito refresh token, kept in this closure only). */
  renew?: () => Promise<Session>;
};

export type SessionState =
  | { status: 'signed-out' }
  | { status: 'signed-in'; session: Session }
  /** The API refused the token (expired, revoked): the console says so and offers to sign in again. */
  | { status: 'expired'; returnTo: string };

let state: SessionState = { status: 'signed-out' };
const listeners = new Set<() => void>();

function set(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener();
}

export const sessionStore = {
  get: (): SessionState => state,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  signIn: (session: Session) => set({ status: 'signed-in', session }),
  signOut: () => set({ status: 'signed-out' }),
  expire: (returnTo: string) => set({ status: 'expired', returnTo }),
};

export function useSession(): SessionState {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.get);
}

/** Epoch milliseconds of a JWT's `exp`, read without checking it (the API checks; this only schedules renewal). */
export function expiryOf(token: string): number {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : Date.now() + 3_600_000;
  } catch {
    return Date.now() + 3_600_000;
  }
}

/** A token still good for at least a minute, renewed first when it can be. */
export async function currentToken(): Promise<string | undefined> {
  if (state.status !== 'signed-in') return undefined;
  const { session } = state;
  if (session.expiresAt - Date.now() > 60_000 || session.renew === undefined) return session.token;
  try {
    const renewed = await session.renew();
    sessionStore.signIn(renewed);
    return renewed.token;
  } catch {
    return session.token;
  }
}
