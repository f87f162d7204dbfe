/** « Accès non autorisé »: a 403 from the API, shown in place of the page that was refused. */
import { PageTitle } from '../components/PageTitle.tsx';
import { Link } from '../router.tsx';

export function NotAllowed({ message, embedded = false }: { message?: string; embedded?: boolean }) {
  return (
    <section className="lsun-status-page" aria-labelledby={embedded ? 'acces-refuse' : undefined}>
      {embedded ? (
        <h2 id="acces-refuse" className="fr-h1">
          Accès non autorisé
        </h2>
      ) : (
        <PageTitle title="Accès non autorisé" />
      )}
      <p className="fr-text--lead">Vous n’avez pas les droits nécessaires pour cette page ou cette action.</p>
      {message ? <p>Réponse du serveur : « {message} »</p> : null}
      <p>
        La lecture est ouverte aux agents de l’assistance ; la modification de l’annuaire et son import sont
        réservés aux administrateurs. Si vous pensez devoir y accéder, demandez à un administrateur de vous
        ajouter au bon groupe.
      </p>
      <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--inline-md">
        <li>
          <Link className="fr-btn" href="/">
            Retour au tableau de bord
          </Link>
        </li>
      </ul>
    </section>
  );
}
