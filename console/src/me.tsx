/**
 * Who is signed in (`GET /api/me`), for the header and for showing admin-only controls.
 * Hiding a control is a courtesy: the API refuses what the group does not allow (403), and
 * the console then shows « Accès non autorisé ».
 */

import { createContext, type ReactNode, useContext } from 'react';
import { Me, type StaffGroup } from '#shared/api/contract.ts';
import { call } from './api/client.ts';

export type CurrentUser = Me & { isAdmin: boolean };

const MeContext = createContext<CurrentUser | undefined>(undefined);

export function MeProvider({ me, children }: { me: CurrentUser; children: ReactNode }) {
  return <MeContext.Provider value={me}>{children}</MeContext.Provider>;
}

/** The signed-in staff member; only under `MeProvider`. */
export function useMe(): CurrentUser {
  const me = useContext(MeContext);
  if (me === undefined) throw new Error('useMe outside MeProvider');
  return me;
}

function claimsOf(token: string): Record<string, unknown> {
  try {
    const payload = token.split('.')[1] ?? '';
    return JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
  } catch {
    return {};
  }
}

const withAdmin = (me: Me): CurrentUser => ({ ...me, isAdmin: me.groups.includes('admin') });

/**
 * Asks the API who this is. Should the route be missing (an API older than the console), the
 * token's own claims stand in: they only decide what is shown, never what is allowed.
 */
export async function loadMe(token: string): Promise<CurrentUser> {
  try {
    return withAdmin(await call('GET /api/me', {}));
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 401 || status === 403 || status === undefined) throw error;
    const claims = claimsOf(token);
    const email = typeof claims.email === 'string' ? claims.email : 'inconnu';
    const raw = claims['cognito:groups'];
    const groups = (Array.isArray(raw) ? raw : []).filter(
      (group): group is StaffGroup => group === 'agent' || group === 'admin',
    );
    return withAdmin(Me.parse({ email, name: email.split('@')[0] ?? email, groups }));
  }
}
