/** Who is signed in, and in which groups. */
import { PageTitle } from '../components/PageTitle.tsx';
import { useMe } from '../me.tsx';

const groupLabel = { agent: 'Agent de l’assistance', admin: 'Administrateur' };

export function Account() {
  const me = useMe();
  return (
    <>
      <PageTitle title="Mon compte" />
      <dl className="lsun-dl">
        <dt>Nom</dt>
        <dd>{me.name}</dd>
        <dt>Adresse</dt>
        <dd>{me.email}</dd>
        <dt>Groupe(s)</dt>
        <dd>{me.groups.length === 0 ? 'aucun' : me.groups.map((group) => groupLabel[group]).join(', ')}</dd>
      </dl>
      <p className="fr-text--sm">
        La connexion est gardée en mémoire seulement : fermer ou recharger la page demande de se reconnecter.
      </p>
    </>
  );
}
