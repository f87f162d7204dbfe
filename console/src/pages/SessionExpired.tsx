/** « Session expirée »: the API refused the token (401). Nothing is lost but the page's unsaved input. */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { PageTitle } from '../components/PageTitle.tsx';

export function SessionExpired({ onSignInAgain }: { onSignInAgain: () => void }) {
  return (
    <section className="lsun-status-page">
      <PageTitle title="Session expirée" />
      <p className="fr-text--lead">Votre session a expiré ou n’est plus reconnue par le serveur.</p>
      <p>
        Par sécurité, la connexion ne dure qu’un temps limité et n’est pas conservée après un rechargement de
        la page. Reconnectez-vous pour reprendre là où vous en étiez.
      </p>
      <Button iconId="fr-icon-lock-unlock-line" onClick={onSignInAgain}>
        Se reconnecter
      </Button>
    </section>
  );
}
