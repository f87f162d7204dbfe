/** Where Cognito sends the browser back with the authorization code. */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { useEffect, useRef, useState } from 'react';
import { completeCognitoSignIn } from '../auth/cognito.ts';
import { Loading, messageOf } from '../components/Feedback.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import type { CognitoAuth } from '../config.ts';
import { Link, navigate } from '../router.tsx';
import { sessionStore } from '../session.ts';

export function SignInCallback({ auth }: { auth: CognitoAuth }) {
  const [error, setError] = useState<string>();
  const started = useRef(false);
  useEffect(() => {
    // The code is single-use: React's development double effect must not spend it twice.
    if (started.current) return;
    started.current = true;
    completeCognitoSignIn(auth, new URL(window.location.href)).then(
      ({ session, returnTo }) => {
        sessionStore.signIn(session);
        navigate(returnTo, { replace: true });
      },
      (caught: unknown) => setError(messageOf(caught)),
    );
  }, [auth]);
  return (
    <>
      <PageTitle title="Connexion en cours" />
      {error ? (
        <Alert
          severity="error"
          title="Connexion impossible"
          description={
            <>
              {error} <Link href="/connexion">Recommencer</Link>
            </>
          }
        />
      ) : (
        <Loading what="Vérification de la connexion…" />
      )}
    </>
  );
}
