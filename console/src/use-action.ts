/** Calling the API from a form or a button: busy state, the outcome to announce, the API's French error. */
import { useRef, useState } from 'react';
import { ApiError, type ErrorDetail } from './api/client.ts';
import { messageOf } from './components/Feedback.tsx';

/** What an action ended with, as `ActionResult` shows it. */
export type Outcome = { ok: boolean; message: string };

export type UseActionOptions<A extends unknown[], T> = {
  /** The success message to announce; none (undefined) when the page itself says what happened. */
  success?: (value: T, ...args: A) => string | undefined;
  /** What follows a success: clear the form, reload the page's data, go elsewhere. */
  onSuccess?: (value: T, ...args: A) => void;
};

export type Action<A extends unknown[]> = {
  /** Runs the action; a call while one is running is ignored (a double click sends once). */
  run: (...args: A) => Promise<void>;
  /** True while the request runs: the control that started it is disabled. */
  busy: boolean;
  /** The last outcome: the success message, or the French message of the failure. */
  result: Outcome | undefined;
  /** The last failure as thrown (a `ForbiddenError` shows « Accès non autorisé »). */
  error: unknown;
  /** The fields the API refused, each with its French message (`ApiError.details`). */
  details: ErrorDetail[];
  /** Forgets the last outcome (the input it was about changed). */
  reset: () => void;
};

type State = { busy: boolean; result?: Outcome; error?: unknown };

/**
 * One way for every form and button that changes something through the API, so that each says
 * « busy », success and failure alike, and none can send twice.
 */
export function useAction<A extends unknown[], T>(
  act: (...args: A) => Promise<T>,
  options: UseActionOptions<A, T> = {},
): Action<A> {
  const [state, setState] = useState<State>({ busy: false });
  // A ref, not the state: two clicks in the same frame both see `busy` still false.
  const running = useRef(false);

  async function run(...args: A): Promise<void> {
    if (running.current) return;
    running.current = true;
    setState({ busy: true });
    try {
      const value = await act(...args);
      options.onSuccess?.(value, ...args);
      const message = options.success?.(value, ...args);
      setState({ busy: false, result: message === undefined ? undefined : { ok: true, message } });
    } catch (error) {
      setState({ busy: false, error, result: { ok: false, message: messageOf(error) } });
    } finally {
      running.current = false;
    }
  }

  return {
    run,
    busy: state.busy,
    result: state.result,
    error: state.error,
    details: state.error instanceof ApiError ? state.error.details : [],
    reset: () => setState({ busy: false }),
  };
}
