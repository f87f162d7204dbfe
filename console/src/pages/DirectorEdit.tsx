/**
 * Adding or editing a director (admins; the API refuses agents with a 403, shown as « Accès non
 * autorisé »). The API applies the directory's rules (UAI of the académie, academic addresses,
 * one person per address) and answers each problem with the field it concerns, shown next to it.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Breadcrumb } from '@codegouvfr/react-dsfr/Breadcrumb';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { useState } from 'react';
import { ForbiddenError } from '../api/client.ts';
import { type DirectorEntry, type DirectorInput, directoryApi } from '../api/directory.ts';
import { LoadError, Loading } from '../components/Feedback.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { hrefOf, navigate } from '../router.tsx';
import { useAction } from '../use-action.ts';
import { useApi } from '../use-api.ts';
import { NotAllowed } from './NotAllowed.tsx';

type SchoolRow = {
  /** The row's identity while editing (React key): rows can be removed from the middle. */
  row: string;
  uai: string;
  interim: boolean;
  isNew: boolean;
  name: string;
  commune: string;
  circonscription: string;
};
type Draft = {
  civility: '' | 'M.' | 'Mme';
  lastName: string;
  firstName: string;
  emails: string;
  schools: SchoolRow[];
};

const emptySchool = (): SchoolRow => ({
  row: crypto.randomUUID(),
  uai: '',
  interim: false,
  isNew: false,
  name: '',
  commune: '',
  circonscription: '',
});
const emptyDraft = (): Draft => ({
  civility: '',
  lastName: '',
  firstName: '',
  emails: '',
  schools: [emptySchool()],
});

function draftOf(director: DirectorEntry): Draft {
  return {
    civility: director.civility === 'M.' || director.civility === 'Mme' ? director.civility : '',
    lastName: director.lastName,
    firstName: director.firstName,
    emails: (director.emails ?? [director.email]).join('\n'),
    schools: director.schools.map((school) => ({
      ...emptySchool(),
      uai: school.uai,
      interim: school.interim ?? false,
    })),
  };
}

function inputOf(draft: Draft): DirectorInput {
  return {
    ...(draft.civility ? { civility: draft.civility } : {}),
    lastName: draft.lastName,
    firstName: draft.firstName,
    emails: draft.emails
      .split(/[\s,;]+/)
      .map((email) => email.trim())
      .filter(Boolean),
    schools: draft.schools
      .filter((school) => school.uai.trim() !== '')
      .map((school) => ({
        uai: school.uai.trim(),
        interim: school.interim,
        ...(school.isNew
          ? { name: school.name, commune: school.commune, circonscription: school.circonscription }
          : {}),
      })),
  };
}

const nameFields = [
  ['lastName', 'Nom'],
  ['firstName', 'Prénom'],
] as const;

/** What describes a school the directory does not know yet. */
const newSchoolFields = [
  ['name', 'Nom'],
  ['commune', 'Commune'],
  ['circonscription', 'Circonscription'],
] as const;

/** A DSFR small checkbox; react-dsfr's `Checkbox` would wrap each in a fieldset of its own. */
function SmallCheckbox({
  id,
  label,
  checked,
  onChange,
  className,
}: {
  id: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  className: string;
}) {
  return (
    <div className={`fr-checkbox-group fr-checkbox-group--sm ${className}`}>
      <input type="checkbox" id={id} checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <label className="fr-label" htmlFor={id}>
        {label}
      </label>
    </div>
  );
}

function EditForm({ id, initial }: { id?: string; initial: Draft }) {
  const [draft, setDraft] = useState<Draft>(initial);
  const save = useAction(
    () => (id ? directoryApi.update(id, inputOf(draft)) : directoryApi.create(inputOf(draft))),
    { onSuccess: (saved) => navigate(hrefOf('/annuaire/directeur', { id: saved.id })) },
  );

  if (save.error instanceof ForbiddenError) return <NotAllowed message={save.error.message} embedded />;
  const { details } = save;
  const problemOf = (path: string) =>
    details.find((detail) => detail.path === path || detail.path.startsWith(`${path}.`))?.message;
  const setSchool = (index: number, change: Partial<SchoolRow>) =>
    setDraft({
      ...draft,
      schools: draft.schools.map((school, at) => (at === index ? { ...school, ...change } : school)),
    });
  const field = (path: string) =>
    problemOf(path)
      ? { state: 'error' as const, stateRelatedMessage: problemOf(path) }
      : { state: 'default' as const };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void save.run();
      }}
      noValidate
    >
      {save.error ? (
        <Alert
          severity="error"
          title="La fiche n’a pas été enregistrée"
          description={
            details.length > 0 ? (
              <ul>
                {details.map((detail) => (
                  <li key={`${detail.path}-${detail.message}`}>{detail.message}</li>
                ))}
              </ul>
            ) : (
              save.result?.message
            )
          }
          className="fr-mb-3w"
        />
      ) : null}
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-2">
          <Select
            label="Civilité"
            nativeSelectProps={{
              name: 'civility',
              value: draft.civility,
              onChange: (e) => setDraft({ ...draft, civility: e.target.value as Draft['civility'] }),
            }}
          >
            <option value="">—</option>
            <option value="Mme">Mme</option>
            <option value="M.">M.</option>
          </Select>
        </div>
        {nameFields.map(([name, label]) => (
          <div key={name} className="fr-col-12 fr-col-md-5">
            <Input
              label={label}
              {...field(name)}
              nativeInputProps={{
                name,
                required: true,
                autoComplete: 'off',
                value: draft[name],
                onChange: (e) => setDraft({ ...draft, [name]: e.target.value }),
              }}
            />
          </div>
        ))}
      </div>
      <Input
        textArea
        label="Adresses électroniques académiques"
        hintText="Une par ligne, l’adresse principale d’abord."
        {...field('emails')}
        nativeTextAreaProps={{
          name: 'emails',
          rows: 3,
          required: true,
          value: draft.emails,
          onChange: (e) => setDraft({ ...draft, emails: e.target.value }),
        }}
      />
      <fieldset className="fr-fieldset">
        <legend className="fr-fieldset__legend">École(s) dirigée(s)</legend>
        {draft.schools.map((school, index) => (
          <div key={school.row} className="fr-fieldset__element">
            <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
              <div className="fr-col-12 fr-col-md-4">
                <Input
                  label={`UAI de l’école ${index + 1}`}
                  hintText="7 chiffres et une lettre"
                  {...field(`schools.${index}`)}
                  nativeInputProps={{
                    name: `uai-${index}`,
                    maxLength: 8,
                    value: school.uai,
                    onChange: (e) => setSchool(index, { uai: e.target.value }),
                  }}
                />
              </div>
              <div className="fr-col-12 fr-col-md-8">
                <SmallCheckbox
                  id={`interim-${index}`}
                  className="fr-mb-1w"
                  label="Faisant fonction"
                  checked={school.interim}
                  onChange={(checked) => setSchool(index, { interim: checked })}
                />
                <SmallCheckbox
                  id={`nouvelle-${index}`}
                  className="fr-mb-3w"
                  label="École absente de l’annuaire (la décrire)"
                  checked={school.isNew}
                  onChange={(checked) => setSchool(index, { isNew: checked })}
                />
              </div>
            </div>
            {school.isNew ? (
              <div className="fr-grid-row fr-grid-row--gutters">
                {newSchoolFields.map(([name, label]) => (
                  <div key={name} className="fr-col-12 fr-col-md-4">
                    <Input
                      label={`${label} de l’école ${index + 1}`}
                      nativeInputProps={{
                        value: school[name],
                        onChange: (e) => setSchool(index, { [name]: e.target.value }),
                      }}
                    />
                  </div>
                ))}
              </div>
            ) : null}
            {draft.schools.length > 1 ? (
              <Button
                type="button"
                priority="tertiary"
                size="small"
                iconId="fr-icon-delete-line"
                onClick={() => setDraft({ ...draft, schools: draft.schools.filter((_, at) => at !== index) })}
              >
                {`Retirer l’école ${index + 1}`}
              </Button>
            ) : null}
          </div>
        ))}
        <div className="fr-fieldset__element">
          <Button
            type="button"
            priority="tertiary"
            size="small"
            iconId="fr-icon-add-line"
            onClick={() => setDraft({ ...draft, schools: [...draft.schools, emptySchool()] })}
          >
            Ajouter une école
          </Button>
        </div>
      </fieldset>
      <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--inline-md">
        <li>
          <Button type="submit" disabled={save.busy} iconId="fr-icon-save-line">
            Enregistrer
          </Button>
        </li>
        <li>
          <Button
            priority="secondary"
            linkProps={{ href: id ? hrefOf('/annuaire/directeur', { id }) : '/annuaire' }}
          >
            Annuler
          </Button>
        </li>
      </ul>
    </form>
  );
}

/** Editing director `id`, or adding one when there is no `id`. */
export function DirectorEdit({ id }: { id?: string }) {
  const existing = useApi(
    async (signal) => (id ? draftOf(await directoryApi.director(id, signal)) : emptyDraft()),
    id ?? 'nouveau',
  );
  const title = id ? 'Modifier la fiche' : 'Ajouter un directeur';
  return (
    <>
      <Breadcrumb
        currentPageLabel={title}
        homeLinkProps={{ href: '/' }}
        segments={[{ label: 'Annuaire', linkProps: { href: '/annuaire' } }]}
      />
      <PageTitle title={title} />
      {existing.status === 'error' ? <LoadError error={existing.error} onRetry={existing.reload} /> : null}
      {existing.status === 'loading' ? <Loading /> : null}
      {existing.status === 'ok' ? <EditForm key={id ?? 'nouveau'} id={id} initial={existing.data} /> : null}
    </>
  );
}
