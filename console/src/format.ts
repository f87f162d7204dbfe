/** Dates and numbers as staff in France read them, in Paris time whatever the computer says. */

const dateTime = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  dateStyle: 'short',
  timeStyle: 'short',
});
const dateOnly = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'medium' });
const dayLabel = new Intl.DateTimeFormat('fr-FR', { timeZone: 'UTC', day: '2-digit', month: '2-digit' });
const longDay = new Intl.DateTimeFormat('fr-FR', { timeZone: 'UTC', dateStyle: 'full' });

/** `12/03/2026 14:05` for an ISO instant. */
export function formatDateTime(iso: string | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

/** `12 mars 2026` for an ISO instant. */
export function formatDate(iso: string | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateOnly.format(date);
}

/** `12/03` for a Paris day `YYYY-MM-DD` (chart axes). */
export function formatDay(day: string): string {
  return dayLabel.format(new Date(`${day}T00:00:00Z`));
}

/** `jeudi 12 mars 2026` for a Paris day `YYYY-MM-DD`. */
export function formatLongDay(day: string): string {
  return longDay.format(new Date(`${day}T00:00:00Z`));
}

const integer = new Intl.NumberFormat('fr-FR');
export const formatCount = (value: number) => integer.format(value);

/** `1,2 Mo` for a size in bytes. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} o`;
  const units = ['Ko', 'Mo', 'Go'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 }).format(value)} ${units[unit]}`;
}

/** Today as a Paris day `YYYY-MM-DD` (for date inputs' bounds). */
export function parisToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(now);
}

/** The French names of the académie's départements. */
export const departementName: Record<string, string> = {
  '21': 'Côte-d’Or (21)',
  '58': 'Nièvre (58)',
  '71': 'Saône-et-Loire (71)',
  '89': 'Yonne (89)',
  inconnu: 'Sans école reconnue',
};
