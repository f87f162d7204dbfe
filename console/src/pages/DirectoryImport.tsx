/**
 * Importing a directory file: first a dry run (« Vérifier le fichier ») whose report says what
 * would be added, changed, deactivated and which lines are refused; then « Appliquer l’import »,
 * which applies exactly what was shown (the dry run's `basedOn`: if the directory changed in
 * between, the API refuses and asks to check again). A progress bar follows the upload, then says
 * the server is working.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Breadcrumb } from '@codegouvfr/react-dsfr/Breadcrumb';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Table } from '@codegouvfr/react-dsfr/Table';
import { Upload } from '@codegouvfr/react-dsfr/Upload';
import { useState } from 'react';
import { ForbiddenError } from '../api/client.ts';
import { directoryApi, type ImportReport } from '../api/directory.ts';
import { PageTitle } from '../components/PageTitle.tsx';
import { departementName, formatCount } from '../format.ts';
import { hrefOf, Link } from '../router.tsx';
import { useAction } from '../use-action.ts';
import { NotAllowed } from './NotAllowed.tsx';

const actionLabel: Record<ImportReport['changes'][number]['action'], string> = {
  added: 'Ajout',
  changed: 'Modification',
  deactivated: 'Désactivation',
  reactivated: 'Réactivation',
};

/** French names of the fields an import changes (the API names them as the directory does). */
const fieldLabel: Record<string, string> = {
  active: 'état (actif ou non)',
  civility: 'civilité',
  lastName: 'nom',
  firstName: 'prénom',
  emails: 'adresses',
  assignments: 'écoles',
};

/** At most this many changes listed; the counts above give the whole. */
const SHOWN_CHANGES = 200;

function Progress({ apply, fraction }: { apply: boolean; fraction: number | undefined }) {
  const uploading = fraction !== undefined && fraction < 1;
  const label = uploading
    ? `Envoi du fichier : ${Math.round((fraction ?? 0) * 100)} %`
    : apply
      ? 'Import en cours : le serveur enregistre les changements…'
      : 'Vérification en cours : le serveur compare le fichier à l’annuaire…';
  return (
    <div className="fr-my-3w" role="status" aria-live="polite">
      <label htmlFor="progression-import" className="fr-label fr-mb-1w">
        {label}
      </label>
      {uploading ? (
        <progress
          id="progression-import"
          className="lsun-progress"
          max={100}
          value={Math.round((fraction ?? 0) * 100)}
        />
      ) : (
        <progress id="progression-import" className="lsun-progress" />
      )}
    </div>
  );
}

function Report({ report, applied }: { report: ImportReport; applied: boolean }) {
  const rows: [string, number][] = [
    ['Directeurs ajoutés', report.added],
    ['Directeurs modifiés', report.changed],
    ['Directeurs désactivés (absents du fichier)', report.deactivated],
    ['Directeurs inchangés', report.unchanged],
    ['Lignes refusées', report.rejected.length],
  ];
  const covered = report.coveredDepartements.map((code) => departementName[code] ?? code).join(', ');
  return (
    <section aria-labelledby="rapport-import" className="fr-mt-3w">
      <h2 id="rapport-import" className="fr-h4">
        {applied ? 'Rapport de l’import appliqué' : 'Rapport de la vérification (rien n’a été modifié)'}
      </h2>
      {covered ? (
        <p>
          Départements couverts par le fichier : {covered}. Les directeurs de ces départements absents du
          fichier sont désactivés ; les autres départements ne changent pas.
        </p>
      ) : null}
      <Table
        caption={applied ? 'Changements enregistrés' : 'Changements que l’import ferait'}
        headers={['Changement', 'Nombre']}
        data={rows.map(([label, value]) => [label, formatCount(value)])}
      />
      {report.rejected.length > 0 ? (
        <Table
          caption="Lignes refusées (corrigez le fichier pour les importer)"
          headers={['Ligne', 'Raison']}
          data={report.rejected.map((rejected) => [String(rejected.line), rejected.reason])}
        />
      ) : null}
      {report.changes.length > 0 ? (
        <Table
          caption={
            report.changes.length > SHOWN_CHANGES
              ? `Détail des changements (les ${SHOWN_CHANGES} premiers sur ${formatCount(report.changes.length)})`
              : 'Détail des changements'
          }
          headers={['Changement', 'Directeur', 'Adresse', 'Champs modifiés', 'Lignes']}
          data={report.changes.slice(0, SHOWN_CHANGES).map((change) => [
            actionLabel[change.action],
            <Link key="d" href={hrefOf('/annuaire/directeur', { id: change.id })}>
              {change.name}
            </Link>,
            change.email,
            change.fields.map((name) => fieldLabel[name] ?? name).join(', ') || '—',
            change.lines.join(', ') || '—',
          ])}
        />
      ) : null}
    </section>
  );
}

/** The import page (`/annuaire/import`): check a file, then apply what the check showed. */
export function DirectoryImport() {
  const [file, setFile] = useState<File>();
  // The last report and whether it was applied; gone while a request runs or after a failure.
  const [shown, setShown] = useState<{ report: ImportReport; applied: boolean }>();
  const [progress, setProgress] = useState<{ apply: boolean; fraction: number | undefined }>();
  const importing = useAction(
    (apply: boolean, upload: File) => {
      const checked = shown?.applied === false ? shown.report : undefined;
      setShown(undefined);
      setProgress({ apply, fraction: 0 });
      return directoryApi.import(
        upload,
        apply ? { apply: true, basedOn: checked?.basedOn } : { apply: false },
        (fraction) => setProgress({ apply, fraction }),
      );
    },
    { onSuccess: (report, apply) => setShown({ report, applied: apply }) },
  );

  function run(apply: boolean) {
    if (file) void importing.run(apply, file);
  }

  if (importing.error instanceof ForbiddenError) return <NotAllowed message={importing.error.message} />;
  const sending = importing.busy;
  return (
    <>
      <Breadcrumb
        currentPageLabel="Importer un fichier"
        homeLinkProps={{ href: '/' }}
        segments={[{ label: 'Annuaire', linkProps: { href: '/annuaire' } }]}
      />
      <PageTitle title="Importer l’annuaire" />
      <p>
        Fichier CSV de l’annuaire (séparateur point-virgule ou virgule, UTF-8 ou Windows-1252) avec les
        colonnes uai, ecole, commune, circonscription, departement, civilite, nom, prenom, email ; ou export
        LDIF de l’annuaire académique. La vérification ne modifie rien : elle montre ce que l’import ferait.
      </p>
      <Upload
        label="Fichier de l’annuaire"
        hint="Format CSV ou LDIF, 10 Mo au plus."
        disabled={sending}
        nativeInputProps={{
          name: 'fichier',
          accept: '.csv,.txt,.ldif,text/csv',
          onChange: (e) => {
            setFile(e.target.files?.[0]);
            setShown(undefined);
            importing.reset();
          },
        }}
      />
      <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--inline-md fr-mt-3w">
        <li>
          <Button iconId="fr-icon-search-line" disabled={!file || sending} onClick={() => run(false)}>
            Vérifier le fichier
          </Button>
        </li>
        <li>
          <Button
            priority="secondary"
            iconId="fr-icon-upload-line"
            disabled={!file || sending || shown?.applied !== false}
            onClick={() => run(true)}
          >
            Appliquer l’import
          </Button>
        </li>
      </ul>
      {sending && progress ? <Progress apply={progress.apply} fraction={progress.fraction} /> : null}
      {importing.result?.ok === false ? (
        <Alert
          severity="error"
          title="L’import a échoué"
          description={importing.result.message}
          className="fr-mt-3w"
          role="alert"
        />
      ) : null}
      {shown?.applied === false ? <Report report={shown.report} applied={false} /> : null}
      {shown?.applied ? (
        <>
          <Alert
            severity="success"
            title="Import appliqué"
            description="L’annuaire est à jour."
            className="fr-mt-3w"
            role="status"
          />
          <Report report={shown.report} applied />
        </>
      ) : null}
    </>
  );
}
