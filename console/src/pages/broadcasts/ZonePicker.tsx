/**
 * The zones of a broadcast: the académie, départements, circonscriptions (grouped by
 * département) and schools (found by name or UAI), each with its number of active directors.
 */
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { useState } from 'react';
import type { Zone } from '#shared/api/directory-contract.ts';
import { foldText } from '#shared/domain/directory.ts';
import { type ZoneRef, zoneKey } from '#shared/domain/zones.ts';
import { formatCount } from '../../format.ts';

/** How many schools a search shows at once: enough to pick from, few enough to read. */
const SCHOOLS_SHOWN = 20;

const directors = (count: number) =>
  `${formatCount(count)} directeur${count > 1 ? 's' : ''} actif${count > 1 ? 's' : ''}`;

export type ZonePickerProps = {
  zones: Zone[];
  value: ZoneRef[];
  onChange: (zones: ZoneRef[]) => void;
  /** The API's refusal of the zones, shown under the whole group. */
  error?: string;
};

/** The zone picker of the broadcast form: one fieldset per level, every choice a checkbox. */
export function ZonePicker({ zones, value, onChange, error }: ZonePickerProps) {
  const [search, setSearch] = useState('');
  const chosen = new Set(value.map(zoneKey));
  const toggle = (zone: Zone, on: boolean) =>
    onChange(
      on
        ? [...value, { type: zone.type, code: zone.code }]
        : value.filter((one) => zoneKey(one) !== zoneKey(zone)),
    );
  const option = (zone: Zone, label = zone.name) => ({
    label,
    hintText: directors(zone.activeDirectors),
    nativeInputProps: {
      name: 'zones',
      value: zoneKey(zone),
      checked: chosen.has(zoneKey(zone)),
      onChange: (event: { target: { checked: boolean } }) => toggle(zone, event.target.checked),
    },
  });

  const of = (type: Zone['type']) => zones.filter((zone) => zone.type === type);
  const departements = of('departement');
  const circonscriptions = of('circonscription');
  const schools = of('ecole');
  const wanted = foldText(search.trim());
  const found =
    wanted === ''
      ? []
      : schools.filter(
          (school) => foldText(school.name).includes(wanted) || school.code.toLowerCase().includes(wanted),
        );
  // A school checked among the results stays there (the focus stays on it); those chosen in an
  // earlier search are listed apart so they can be unchecked.
  const shownFound = found.slice(0, SCHOOLS_SHOWN);
  const shownKeys = new Set(shownFound.map(zoneKey));
  const chosenSchools = schools.filter(
    (school) => chosen.has(zoneKey(school)) && !shownKeys.has(zoneKey(school)),
  );

  return (
    <fieldset
      className={`fr-fieldset${error ? ' fr-fieldset--error' : ''}`}
      aria-describedby={error ? 'zones-aide zones-erreur' : 'zones-aide'}
    >
      <legend className="fr-fieldset__legend">
        Zones destinataires
        <span className="fr-hint-text" id="zones-aide">
          Une ou plusieurs zones. Un directeur de plusieurs écoles des zones choisies ne reçoit qu’un
          courriel, à son adresse principale ; les directeurs inactifs sont exclus. Le nombre exact de
          destinataires est calculé à l’enregistrement.
        </span>
      </legend>
      <div className="fr-fieldset__element">
        <Checkbox
          legend="Académie"
          small
          options={of('academie').map((zone) => option(zone, `${zone.name} (toute l’académie)`))}
        />
      </div>
      <div className="fr-fieldset__element">
        <Checkbox
          legend="Départements"
          small
          orientation="horizontal"
          options={departements.map((zone) => option(zone, `${zone.name} (${zone.code})`))}
        />
      </div>
      {departements.map((departement) => {
        const inside = circonscriptions.filter((zone) => zone.parent?.code === departement.code);
        if (inside.length === 0) return null;
        return (
          <div className="fr-fieldset__element" key={departement.code}>
            <Checkbox
              legend={`Circonscriptions — ${departement.name} (${departement.code})`}
              small
              orientation="horizontal"
              options={inside.map((zone) => option(zone))}
            />
          </div>
        );
      })}
      <div className="fr-fieldset__element">
        <fieldset className="fr-fieldset" aria-describedby="ecoles-aide">
          <legend className="fr-fieldset__legend fr-fieldset__legend--regular">
            Écoles
            <span className="fr-hint-text" id="ecoles-aide">
              Cherchez une école par son nom ou son UAI, puis cochez-la.
            </span>
          </legend>
          <div className="fr-fieldset__element">
            <Input
              label="Rechercher une école"
              nativeInputProps={{
                type: 'search',
                name: 'recherche-ecole',
                value: search,
                autoComplete: 'off',
                onChange: (event) => setSearch(event.target.value),
              }}
            />
          </div>
          {chosenSchools.length > 0 ? (
            <div className="fr-fieldset__element">
              <Checkbox
                legend="Écoles choisies"
                small
                options={chosenSchools.map((zone) => option(zone, `${zone.name} (${zone.code})`))}
              />
            </div>
          ) : null}
          <div className="fr-fieldset__element">
            <p className="fr-text--sm fr-mb-1w" role="status">
              {wanted === ''
                ? ''
                : found.length === 0
                  ? 'Aucune école ne correspond à cette recherche.'
                  : found.length > SCHOOLS_SHOWN
                    ? `${formatCount(found.length)} écoles trouvées ; les ${SCHOOLS_SHOWN} premières sont affichées, précisez la recherche.`
                    : `${formatCount(found.length)} école${found.length > 1 ? 's' : ''} trouvée${found.length > 1 ? 's' : ''}.`}
            </p>
            {found.length > 0 ? (
              <Checkbox
                legend="Écoles trouvées"
                small
                options={found
                  .slice(0, SCHOOLS_SHOWN)
                  .map((zone) => option(zone, `${zone.name} (${zone.code})`))}
              />
            ) : null}
          </div>
        </fieldset>
      </div>
      {error ? (
        <div className="fr-messages-group" aria-live="assertive">
          <p className="fr-message fr-message--error" id="zones-erreur">
            {error}
          </p>
        </div>
      ) : null}
    </fieldset>
  );
}
