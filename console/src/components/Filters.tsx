/** The filter forms of the list pages. */
import { Input } from '@codegouvfr/react-dsfr/Input';
import type { FormEvent, ReactNode } from 'react';
import { parisToday } from '../format.ts';
import type { FieldBinding } from '../use-list-page.ts';

export type FilterFormProps = {
  /** Accessible name of the form, e.g. « Filtrer les tickets ». */
  label: string;
  onSubmit: (event: FormEvent) => void;
  /** Aligns the fields on their bottom edge (a row of fields of different heights). */
  alignBottom?: boolean;
  /** The fields, each in its DSFR grid column. */
  children: ReactNode;
};

/** A filter form: its fields on a DSFR grid row. */
export function FilterForm({ label, onSubmit, alignBottom = false, children }: FilterFormProps) {
  return (
    <form className="lsun-filters" onSubmit={onSubmit} aria-label={label}>
      <div className={`fr-grid-row fr-grid-row--gutters${alignBottom ? ' fr-grid-row--bottom' : ''}`}>
        {children}
      </div>
    </form>
  );
}

/** « <fromLabel> … au … »: two date fields, neither after today (Paris time). */
export function PeriodFilter({
  fromLabel,
  from,
  to,
}: {
  fromLabel: string;
  from: FieldBinding;
  to: FieldBinding;
}) {
  return (
    <>
      {[
        { label: fromLabel, binding: from },
        { label: 'au', binding: to },
      ].map(({ label, binding }) => (
        <div key={binding.name} className="fr-col-6 fr-col-md-3">
          <Input label={label} nativeInputProps={{ type: 'date', max: parisToday(), ...binding }} />
        </div>
      ))}
    </>
  );
}
