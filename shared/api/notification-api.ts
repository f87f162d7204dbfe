/**
 * The routes of `notification-contract.ts`, one step each, always on the caller's own address.
 */
import type { Implementations } from '#shared/api/router.ts';
import type { NotificationPrefsStore } from '#shared/domain/notifications.ts';
import { notificationPrefsOf, saveNotificationPrefs } from '#shared/steps/notifications.ts';
import type { Routes } from './contract.ts';

/** What these routes' steps are given (filled by `shared/wiring/notification.ts`). */
export type NotificationDeps = { prefs: NotificationPrefsStore; now: () => Date };

/** The implementations. */
export function notificationApi(deps: NotificationDeps) {
  return {
    'GET /api/me/notifications': async ({ caller }) => notificationPrefsOf(caller.email, deps),
    'PUT /api/me/notifications': async ({ caller, body }) => saveNotificationPrefs(caller.email, body, deps),
  } satisfies Partial<Implementations<Routes>>;
}
