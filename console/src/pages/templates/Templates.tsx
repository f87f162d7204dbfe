/**
 * « Réponses types » (`/reponses-types`): the shared templates and the caller's own, shared
 * first, with the variables a text may use; « Modifier » and « Supprimer » (after a confirmation
 * dialog) on those the caller may change: shared ones for admins, personal ones for their owner.
 */
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useState } from 'react';
import type { ReplyTemplateView } from '#shared/api/template-contract.ts';
import { TEMPLATE_VARIABLES } from '#shared/domain/reply-template.ts';
import { call } from '../../api/client.ts';
import { ActionResult, LoadError, Loading } from '../../components/Feedback.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { useAction } from '../../use-action.ts';
import { useApi } from '../../use-api.ts';
import { Dialog } from './Dialog.tsx';

/** Where the templates live in the console. */
export const TEMPLATES_PATH = '/reponses-types';

/** A template's edit page. */
export const templateEditPath = (id: string) => `${TEMPLATES_PATH}/${encodeURIComponent(id)}/modifier`;

/** « Partagée » or « Personnelle ». */
export function ScopeBadge({ shared }: { shared: boolean }) {
  return (
    <Badge as="span" small noIcon severity={shared ? 'info' : undefined}>
      {shared ? 'Partagée' : 'Personnelle'}
    </Badge>
  );
}

/** The variables a text may use, as a definition list. */
export function VariablesHelp() {
  return (
    <details className="fr-mb-3w">
      <summary>Variables possibles dans le texte</summary>
      <ul className="fr-mt-1w">
        {Object.entries(TEMPLATE_VARIABLES).map(([name, meaning]) => (
          <li key={name}>
            <code>{`{{${name}}}`}</code> : {meaning}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** The page. */
export function Templates() {
  const templates = useApi((signal) => call('GET /api/reply-templates', { signal }), 'templates');
  const [deleting, setDeleting] = useState<ReplyTemplateView | undefined>();
  const remove = useAction(
    (template: ReplyTemplateView) => call('DELETE /api/reply-templates/{id}', { path: { id: template.id } }),
    {
      success: (_answer, template) => `Réponse type « ${template.name} » supprimée.`,
      onSuccess: () => {
        setDeleting(undefined);
        templates.reload();
      },
    },
  );
  const items = templates.data?.items;

  return (
    <>
      <PageTitle title="Réponses types" />
      <p>
        Des textes prêts à insérer dans une réponse, depuis la page d’un ticket (« Insérer une réponse type
        »). Les réponses types partagées sont gérées par les administrateurs ; chacun peut garder des réponses
        types personnelles, que personne d’autre ne voit.
      </p>
      <VariablesHelp />
      <p>
        <Link href={`${TEMPLATES_PATH}/nouvelle`} className="fr-btn fr-icon-add-line fr-btn--icon-left">
          Nouvelle réponse type
        </Link>
      </p>
      <ActionResult result={remove.result} />
      {templates.status === 'error' ? <LoadError error={templates.error} onRetry={templates.reload} /> : null}
      {!items && templates.status === 'loading' ? <Loading what="Lecture des réponses types…" /> : null}
      {items && items.length === 0 ? <p>Aucune réponse type pour l’instant.</p> : null}
      {items && items.length > 0 ? (
        <div className="fr-table fr-table--no-caption-top">
          <table>
            <caption>Réponses types, les partagées d’abord</caption>
            <thead>
              <tr>
                <th scope="col">Nom</th>
                <th scope="col">Portée</th>
                <th scope="col">Texte</th>
                <th scope="col">Modifiée</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {items.map((template) => (
                <tr key={template.id}>
                  <td>{template.name}</td>
                  <td>
                    <ScopeBadge shared={template.shared} />
                  </td>
                  <td className="fr-text--sm">{excerpt(template.text)}</td>
                  <td className="fr-text--sm">
                    {formatDateTime(template.updatedAt)}, {template.updatedBy}
                  </td>
                  <td>
                    {template.editable ? (
                      <ul className="fr-btns-group fr-btns-group--sm fr-btns-group--inline">
                        <li>
                          <Link
                            href={templateEditPath(template.id)}
                            className="fr-btn fr-btn--sm fr-btn--secondary"
                            aria-label={`Modifier « ${template.name} »`}
                          >
                            Modifier
                          </Link>
                        </li>
                        <li>
                          <Button
                            size="small"
                            priority="tertiary"
                            nativeButtonProps={{ 'aria-label': `Supprimer « ${template.name} »` }}
                            onClick={() => {
                              remove.reset();
                              setDeleting(template);
                            }}
                          >
                            Supprimer
                          </Button>
                        </li>
                      </ul>
                    ) : (
                      <span className="fr-text--sm">Gérée par les administrateurs</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Dialog
        id="supprimer-reponse-type"
        title="Supprimer la réponse type ?"
        open={deleting !== undefined}
        onClose={() => setDeleting(undefined)}
      >
        <p>
          « {deleting?.name} » sera supprimée
          {deleting?.shared ? ' pour tous les agents' : ''}. Cette action ne peut pas être annulée.
        </p>
        <ul className="fr-btns-group fr-btns-group--inline">
          <li>
            <Button disabled={remove.busy} onClick={() => deleting && void remove.run(deleting)}>
              Confirmer la suppression
            </Button>
          </li>
          <li>
            <Button priority="secondary" onClick={() => setDeleting(undefined)}>
              Annuler
            </Button>
          </li>
        </ul>
        {remove.result && !remove.result.ok ? <ActionResult result={remove.result} /> : null}
      </Dialog>
    </>
  );
}

/** The start of a text, on one line. */
function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}
