/**
 * The routes of `notification-contract.ts`, one step each.
 */
import type { Implementations } from '#shared/api/router.ts';
import type { Routes } from './contract.ts';

/** What these routes' steps are given (filled by `shared/wiring/notification.ts`). */
export type NotificationDeps = Record<string, never>;

/** The implementations. */
export function notificationApi(_deps: NotificationDeps) {
  return {} satisfies Partial<Implementations<Routes>>;
}
