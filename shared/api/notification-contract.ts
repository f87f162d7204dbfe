/**
 * Staff notifications: which mails each staff member wants (« Mon compte »). The routes act on
 * the caller's own choices only: there is no address in the path, so nobody can change another
 * agent's.
 *
 * Pure module: zod and the domain's schemas only, so the browser bundle can import it.
 */
import { NotificationPrefs } from '../domain/notifications.ts';
import type { RouteDeclarations } from './declaration.ts';

/** The routes of the caller's notification choices. */
export const notificationRoutes = {
  'GET /api/me/notifications': { group: 'agent', response: NotificationPrefs, status: 200 },
  'PUT /api/me/notifications': {
    group: 'agent',
    body: NotificationPrefs,
    response: NotificationPrefs,
    status: 200,
  },
} as const satisfies RouteDeclarations;
