/** The accessibility statement the RGAA asks every public service site to publish. */
import { PageTitle } from '../components/PageTitle.tsx';

export function Accessibility() {
  return (
    <>
      <PageTitle title="Déclaration d’accessibilité" />
      <p>
        L’académie de Dijon s’engage à rendre ses services numériques accessibles, conformément à l’article 47
        de la loi n° 2005-102 du 11 février 2005. Cette déclaration s’applique à la console du personnel de
        l’assistance LSUN.
      </p>
      <h2 className="fr-h4">État de conformité</h2>
      <p>
        La console est <strong>partiellement conforme</strong> au référentiel général d’amélioration de
        l’accessibilité (RGAA) : elle est construite avec le Système de design de l’État et chaque page est
        vérifiée automatiquement (axe-core, critères WCAG 2.1 niveaux A et AA) à chaque modification. Un audit
        manuel complet n’a pas encore été réalisé.
      </p>
      <h2 className="fr-h4">Contenus non accessibles</h2>
      <ul>
        <li>
          Le contenu des courriels reçus est celui de leurs expéditeurs : sa version HTML, affichée sur
          demande dans un cadre isolé, peut ne pas respecter le RGAA. Leur version texte est toujours proposée
          d’abord.
        </li>
        <li>
          Les graphiques du tableau de bord ont chacun une alternative textuelle et un tableau de données.
        </li>
      </ul>
      <h2 className="fr-h4">Retour d’information</h2>
      <p>
        Si vous n’arrivez pas à accéder à un contenu ou à un service, signalez-le à la DSI de l’académie pour
        être orienté vers une alternative accessible.
      </p>
    </>
  );
}
