/** The console: configuration, sign-in state, and which page the address shows. */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { useEffect, useState } from 'react';
import { setApiBase } from './api/client.ts';
import { cognitoSignOutUrl } from './auth/cognito.ts';
import { LoadError, Loading } from './components/Feedback.tsx';
import { Layout } from './components/Layout.tsx';
import { type ConsoleConfig, loadConfig } from './config.ts';
import { type CurrentUser, loadMe, MeProvider } from './me.tsx';
import { Accessibility } from './pages/Accessibility.tsx';
import { Account } from './pages/Account.tsx';
import { BroadcastEdit, BroadcastNew } from './pages/broadcasts/BroadcastForm.tsx';
import { Broadcasts } from './pages/broadcasts/Broadcasts.tsx';
import { BroadcastView } from './pages/broadcasts/BroadcastView.tsx';
import { Dashboard } from './pages/Dashboard.tsx';
import { DirectorEdit } from './pages/DirectorEdit.tsx';
import { DirectorView } from './pages/DirectorView.tsx';
import { Directory } from './pages/Directory.tsx';
import { DirectoryImport } from './pages/DirectoryImport.tsx';
import { Intake } from './pages/Intake.tsx';
import { IntakeView } from './pages/IntakeView.tsx';
import { ArticleEdit, ArticleNew } from './pages/kb/ArticleForm.tsx';
import { Articles, KB_PATH } from './pages/kb/Articles.tsx';
import { ArticleView } from './pages/kb/ArticleView.tsx';
import { NotFound } from './pages/NotFound.tsx';
import { SchoolView } from './pages/SchoolView.tsx';
import { SessionExpired } from './pages/SessionExpired.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { SignInCallback } from './pages/SignInCallback.tsx';
import { Tickets } from './pages/Tickets.tsx';
import { TicketView } from './pages/TicketView.tsx';
import { TemplateEdit, TemplateNew } from './pages/templates/TemplateForm.tsx';
import { TEMPLATES_PATH, Templates } from './pages/templates/Templates.tsx';
import { hrefOf, match, navigate, useLocation } from './router.tsx';
import { sessionStore, useSession } from './session.ts';

function Page({ path, query }: { path: string; query: URLSearchParams }) {
  if (path === '/') return <Dashboard />;
  if (path === '/tickets') return <Tickets query={query} />;
  const ticket = match('/tickets/:number', path);
  if (ticket?.number) return <TicketView number={ticket.number} />;
  if (path === '/courriels') return <Intake query={query} />;
  const mail = match('/courriels/:id', path);
  if (mail?.id) return <IntakeView sesMessageId={mail.id} />;
  if (path === '/annuaire') return <Directory query={query} />;
  if (path === '/annuaire/import') return <DirectoryImport />;
  if (path === '/annuaire/directeur') return <DirectorView id={query.get('id') ?? ''} />;
  if (path === '/annuaire/directeur/modifier') return <DirectorEdit id={query.get('id') ?? undefined} />;
  if (path === '/annuaire/directeur/nouveau') return <DirectorEdit />;
  const school = match('/annuaire/ecoles/:uai', path);
  if (school?.uai) return <SchoolView uai={school.uai} />;
  if (path === '/diffusions') return <Broadcasts query={query} />;
  if (path === '/diffusions/nouvelle') return <BroadcastNew />;
  const broadcastEdit = match('/diffusions/:id/modifier', path);
  if (broadcastEdit?.id) return <BroadcastEdit id={broadcastEdit.id} />;
  const broadcast = match('/diffusions/:id', path);
  if (broadcast?.id) return <BroadcastView id={broadcast.id} query={query} />;
  if (path === KB_PATH) return <Articles query={query} />;
  if (path === `${KB_PATH}/nouvel-article`) return <ArticleNew />;
  const articleEdit = match(`${KB_PATH}/:id/modifier`, path);
  if (articleEdit?.id) return <ArticleEdit id={articleEdit.id} />;
  const article = match(`${KB_PATH}/:id`, path);
  if (article?.id) return <ArticleView id={article.id} />;
  if (path === TEMPLATES_PATH) return <Templates />;
  if (path === `${TEMPLATES_PATH}/nouvelle`) return <TemplateNew />;
  const templateEdit = match(`${TEMPLATES_PATH}/:id/modifier`, path);
  if (templateEdit?.id) return <TemplateEdit id={templateEdit.id} />;
  if (path === '/compte') return <Account />;
  if (path === '/accessibilite') return <Accessibility />;
  return <NotFound />;
}

function SignedIn({ config, token }: { config: ConsoleConfig; token: string }) {
  const { path, query } = useLocation();
  const [me, setMe] = useState<CurrentUser | { error: unknown }>();
  // Once per sign-in: a renewed token (same person) must not reload the page around the user.
  useEffect(() => {
    loadMe(token).then(setMe, (error: unknown) => setMe({ error }));
  }, []);

  function signOut() {
    sessionStore.signOut();
    if (config.auth.kind === 'cognito') window.location.assign(cognitoSignOutUrl(config.auth));
    else navigate('/connexion', { replace: true });
  }

  if (me === undefined) {
    return (
      <Layout>
        <Loading what="Ouverture de la session…" />
      </Layout>
    );
  }
  if ('error' in me) {
    return (
      <Layout>
        <LoadError error={me.error} />
      </Layout>
    );
  }
  return (
    <MeProvider me={me}>
      <Layout user={{ email: me.email, onSignOut: signOut }}>
        {/* One page per path: a new ticket is a new page, not the last one's forms and notices. */}
        <Page key={path} path={path} query={query} />
      </Layout>
    </MeProvider>
  );
}

export function App() {
  const [config, setConfig] = useState<ConsoleConfig | { error: unknown }>();
  const session = useSession();
  const { path, query, href } = useLocation();

  useEffect(() => {
    loadConfig().then(
      (loaded) => {
        setApiBase(loaded.apiUrl);
        setConfig(loaded);
      },
      (error: unknown) => setConfig({ error }),
    );
  }, []);

  const signedOutElsewhere =
    session.status === 'signed-out' && path !== '/connexion' && path !== '/connexion/retour';
  const signedInOnSignIn = session.status === 'signed-in' && path === '/connexion';
  useEffect(() => {
    if (signedOutElsewhere)
      navigate(hrefOf('/connexion', { retour: href === '/' ? undefined : href }), { replace: true });
    if (signedInOnSignIn) navigate(safeReturn(query.get('retour')), { replace: true });
  }, [signedOutElsewhere, signedInOnSignIn, href, query]);

  if (config === undefined) {
    return (
      <Layout>
        <Loading />
      </Layout>
    );
  }
  if ('error' in config) {
    return (
      <Layout>
        <Alert
          severity="error"
          title="La console ne peut pas démarrer"
          description={config.error instanceof Error ? config.error.message : 'Configuration invalide.'}
        />
      </Layout>
    );
  }
  if (session.status === 'expired') {
    return (
      <Layout>
        <SessionExpired
          onSignInAgain={() => {
            const returnTo = session.returnTo;
            sessionStore.signOut();
            navigate(hrefOf('/connexion', { retour: returnTo }), { replace: true });
          }}
        />
      </Layout>
    );
  }
  if (path === '/connexion/retour' && config.auth.kind === 'cognito') {
    return (
      <Layout>
        <SignInCallback auth={config.auth} />
      </Layout>
    );
  }
  if (session.status === 'signed-out' || signedInOnSignIn) {
    return (
      <Layout>
        {path === '/connexion' ? (
          <SignIn config={config} returnTo={safeReturn(query.get('retour'))} />
        ) : (
          <Loading />
        )}
      </Layout>
    );
  }
  return <SignedIn config={config} token={session.session.token} />;
}

/** Only a path of this console: never an absolute URL an attacker could slip into `?retour=`. */
function safeReturn(value: string | null): string {
  return value?.startsWith('/') && !value.startsWith('//') && !value.startsWith('/connexion') ? value : '/';
}
