/** A choice among ticket statuses, by their French names. */
import { Select } from '@codegouvfr/react-dsfr/Select';
import { type TicketStatus, ticketStatusLabel } from '#shared/api/contract.ts';

/** A DSFR select of `statuses` (in that order) whose value is one of them. */
export function StatusSelect<S extends TicketStatus>({
  label,
  name,
  statuses,
  value,
  onChange,
  disabled,
}: {
  label: string;
  name: string;
  statuses: readonly S[];
  value: S;
  onChange: (status: S) => void;
  disabled?: boolean;
}) {
  return (
    <Select
      label={label}
      nativeSelectProps={{ name, value, onChange: (e) => onChange(e.target.value as S) }}
      disabled={disabled}
    >
      {statuses.map((status) => (
        <option key={status} value={status}>
          {ticketStatusLabel[status]}
        </option>
      ))}
    </Select>
  );
}
