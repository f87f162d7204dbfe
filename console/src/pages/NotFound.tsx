import { PageTitle } from '../components/PageTitle.tsx';
import { Link } from '../router.tsx';

export function NotFound() {
  return (
    <section className="lsun-status-page">
      <PageTitle title="Page introuvable" />
      <p className="fr-text--lead">Cette page n’existe pas dans la console.</p>
      <p>
        <Link href="/">Retour au tableau de bord</Link>
      </p>
    </section>
  );
}
