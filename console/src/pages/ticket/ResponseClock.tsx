/**
 * A ticket's response clocks as staff read them: « Réponse attendue avant le mardi 9 décembre à
 * 10 h », « Résolution attendue avant … », and « En retard » when a running clock has passed its
 * due time. The API computes the clocks in working hours (`shared/domain/response-clock.ts`); the
 * console only words them, in Paris time.
 */
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import type { TicketClock } from '#shared/api/contract.ts';

const dueParts = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hourCycle: 'h23',
});

/**
 * `le mardi 9 décembre à 10 h` (`à 10 h 30` with minutes), with the year when it is not the
 * current one, for an ISO instant.
 */
export function formatDue(iso: string, now = new Date()): string {
  const parts = Object.fromEntries(
    dueParts.formatToParts(new Date(iso)).map((part) => [part.type, part.value]),
  ) as Record<string, string>;
  const thisYear = dueParts.formatToParts(now).find((part) => part.type === 'year')?.value;
  const year = parts.year === thisYear ? '' : ` ${parts.year}`;
  const minute = parts.minute === '00' ? '' : ` ${parts.minute}`;
  return `le ${parts.weekday} ${parts.day === '1' ? '1er' : parts.day} ${parts.month}${year} à ${Number(parts.hour)} h${minute}`;
}

/** « En retard », red, text and colour together. */
export function LateBadge() {
  return (
    <Badge as="span" small severity="error">
      En retard
    </Badge>
  );
}

/** The clocks on the ticket page: one line per running clock; nothing once both have stopped. */
export function ResponseClock({ clock }: { clock: TicketClock }) {
  const lines = [
    clock.firstResponse.running ? { label: 'Réponse attendue', state: clock.firstResponse } : undefined,
    clock.resolution.running ? { label: 'Résolution attendue', state: clock.resolution } : undefined,
  ].filter((line) => line !== undefined);
  if (lines.length === 0) return null;
  return (
    <ul className="fr-raw-list fr-mb-3w" aria-label="Délais de traitement">
      {lines.map(({ label, state }) => (
        <li key={label} className="fr-text--sm fr-mb-1v">
          {label} avant {formatDue(state.dueAt)} {state.late ? <LateBadge /> : null}
        </li>
      ))}
    </ul>
  );
}

/**
 * The list's cell: the next due time of a running clock (the first reply while unanswered, then
 * the resolution), and « En retard » when either is late; « — » once both have stopped.
 */
export function DueCell({ clock }: { clock: TicketClock }) {
  const next = clock.firstResponse.running
    ? { label: 'Réponse', state: clock.firstResponse }
    : clock.resolution.running
      ? { label: 'Résolution', state: clock.resolution }
      : undefined;
  if (!next) return <>—</>;
  return (
    <span>
      {next.label} avant {formatDue(next.state.dueAt)}
      {clock.late ? (
        <>
          <br />
          <LateBadge />
        </>
      ) : null}
    </span>
  );
}
