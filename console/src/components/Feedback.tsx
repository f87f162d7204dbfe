/** How pages show waiting, failures and refusals. */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { ApiError, ForbiddenError } from '../api/client.ts';
import { SignInError } from '../auth/local.ts';
import { ConfigError } from '../config.ts';
import { NotAllowed } from '../pages/NotAllowed.tsx';

/** A polite live region: screen readers hear that something is loading without losing their place. */
export function Loading({ what = 'Chargement…' }: { what?: string }) {
  return (
    <p className="fr-text--sm lsun-loading" role="status" aria-live="polite">
      <span className="fr-icon-refresh-line fr-icon--sm" aria-hidden="true" /> {what}
    </p>
  );
}

/**
 * The French message of any error thrown by the console or the API. Only the console's own
 * error classes carry a message written for staff; any other error (a browser's `TypeError`, a
 * parse failure, a bug) has an English text meant for developers, so staff read a French one.
 */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError || error instanceof SignInError || error instanceof ConfigError) {
    return error.message;
  }
  return 'Une erreur inattendue est survenue.';
}

/** A failed load: the « accès non autorisé » page for a 403, an error alert otherwise. */
export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (error instanceof ForbiddenError) return <NotAllowed message={error.message} embedded />;
  return (
    <Alert
      severity="error"
      title="Le chargement a échoué"
      description={
        <>
          {messageOf(error)}
          {onRetry ? (
            <>
              {' '}
              <button type="button" className="fr-link" onClick={onRetry}>
                Réessayer
              </button>
            </>
          ) : null}
        </>
      }
      className="fr-mb-3w"
    />
  );
}

/** The outcome of an action (reply, status...): announced to screen readers (`role=alert` on errors). */
export function ActionResult({
  result,
  className = 'fr-mt-2w',
}: {
  result?: { ok: boolean; message: string } | undefined;
  /** Spacing; by default below the control that acted. */
  className?: string;
}) {
  if (!result) return null;
  return (
    <Alert
      small
      severity={result.ok ? 'success' : 'error'}
      description={result.message}
      className={className}
      role={result.ok ? 'status' : 'alert'}
    />
  );
}
