/** The tickets selected on the list's current page, and the check boxes that select them. */
import { useEffect, useRef, useState } from 'react';

/** The selection among `numbers` (the page shown); a new page starts with none. */
export function useSelection(numbers: readonly string[]) {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const pageKey = numbers.join(',');
  // A new page starts with no selection (the key stands for the page shown).
  useEffect(() => setSelected(new Set()), [pageKey]);
  const all = numbers.length > 0 && numbers.every((number) => selected.has(number));
  return {
    selected: numbers.filter((number) => selected.has(number)),
    has: (number: string) => selected.has(number),
    all,
    some: !all && numbers.some((number) => selected.has(number)),
    toggle(number: string, on: boolean) {
      setSelected((current) => {
        const next = new Set(current);
        if (on) next.add(number);
        else next.delete(number);
        return next;
      });
    },
    toggleAll: (on: boolean) => setSelected(new Set(on ? numbers : [])),
    clear: () => setSelected(new Set()),
  };
}
export type Selection = ReturnType<typeof useSelection>;

/** A small DSFR check box whose label is read by screen readers only (the table says the rest). */
function Box({
  id,
  label,
  checked,
  indeterminate = false,
  onChange,
}: {
  id: string;
  label: string;
  checked: boolean;
  indeterminate?: boolean;
  onChange: (on: boolean) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (input.current) input.current.indeterminate = indeterminate;
  }, [indeterminate]);
  return (
    <div className="fr-checkbox-group fr-checkbox-group--sm">
      <input
        ref={input}
        type="checkbox"
        id={id}
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label className="fr-label" htmlFor={id}>
        <span className="fr-sr-only">{label}</span>
      </label>
    </div>
  );
}

/** « Tout sélectionner »: every ticket of the page shown. */
export function SelectAllBox({ selection }: { selection: Selection }) {
  return (
    <Box
      id="tickets-tout-selectionner"
      label="Tout sélectionner sur cette page"
      checked={selection.all}
      indeterminate={selection.some}
      onChange={selection.toggleAll}
    />
  );
}

/** One ticket's check box, labelled with its number. */
export function SelectBox({ selection, number }: { selection: Selection; number: string }) {
  return (
    <Box
      id={`selection-${number}`}
      label={`Sélectionner ${number}`}
      checked={selection.has(number)}
      onChange={(on) => selection.toggle(number, on)}
    />
  );
}
