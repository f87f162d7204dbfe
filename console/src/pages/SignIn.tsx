/**
 * Sign-in: in AWS, one button to Cognito's managed login, in French (PKCE); locally, one
 * button per demo account, each in its group, from the local identity provider.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useState } from 'react';
import { startCognitoSignIn } from '../auth/cognito.ts';
import { localSignIn } from '../auth/local.ts';
import { messageOf } from '../components/Feedback.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import type { ConsoleConfig, DemoAccount } from '../config.ts';
import { navigate } from '../router.tsx';
import { sessionStore } from '../session.ts';

const groupLabel = {
  agent: 'agent (lecture, tickets, courriels)',
  admin: 'administrateur (tout, dont l’annuaire)',
};

export function SignIn({ config, returnTo }: { config: ConsoleConfig; returnTo: string }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function asDemo(account: DemoAccount) {
    if (config.auth.kind !== 'local') return;
    setBusy(true);
    setError(undefined);
    try {
      sessionStore.signIn(await localSignIn(config.auth, account));
      navigate(returnTo, { replace: true });
    } catch (caught) {
      setError(messageOf(caught));
      setBusy(false);
    }
  }

  return (
    <div className="fr-grid-row fr-grid-row--center">
      <div className="fr-col-12 fr-col-md-8 fr-col-lg-6">
        <PageTitle title="Connexion" />
        {error ? (
          <Alert severity="error" title="Connexion impossible" description={error} className="fr-mb-3w" />
        ) : null}
        {config.auth.kind === 'cognito' ? (
          <>
            <p>Connectez-vous avec votre compte de l’assistance académique.</p>
            <Button
              iconId="fr-icon-lock-line"
              disabled={busy}
              onClick={() => {
                if (config.auth.kind !== 'cognito') return;
                setBusy(true);
                startCognitoSignIn(config.auth, returnTo).catch((caught: unknown) => {
                  setError(messageOf(caught));
                  setBusy(false);
                });
              }}
            >
              Se connecter
            </Button>
          </>
        ) : (
          <>
            <Alert
              severity="info"
              small
              description="Bureau local de démonstration : choisissez un compte fictif. Cette page n’existe pas en production, où la connexion passe par le service d’authentification de l’académie."
              className="fr-mb-3w"
            />
            <ul className="fr-btns-group fr-btns-group--icon-left" aria-label="Comptes de démonstration">
              {config.auth.accounts.map((account) => (
                <li key={account.email}>
                  <Button
                    priority={account.group === 'admin' ? 'secondary' : 'primary'}
                    disabled={busy}
                    onClick={() => void asDemo(account)}
                  >
                    {`${account.label} — ${account.email} (${groupLabel[account.group]})`}
                  </Button>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </div>
  );
}
