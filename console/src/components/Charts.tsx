/**
 * Bar charts (Chart.js through react-chartjs-2), each drawn on a canvas with a text
 * alternative: the canvas says what it shows (`role="img"`, `aria-label`), and the figures are
 * always available as a table next to it (RGAA 1.x: a chart's data must be reachable without
 * seeing it).
 */
import { BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { Bar } from 'react-chartjs-2';

Chart.register(CategoryScale, LinearScale, BarElement, Tooltip, Legend);
Chart.defaults.font.family = 'Marianne, arial, sans-serif';
Chart.defaults.color = '#3a3a3a';
Chart.defaults.locale = 'fr-FR';
// No animation: nothing moves for people who get dizzy, and screenshots are stable.
Chart.defaults.animation = false;

/** DSFR illustrative colours, contrasted enough against white for bars (WCAG 1.4.11). */
export const palette = [
  '#000091',
  '#e1000f',
  '#009081',
  '#c08c65',
  '#a558a0',
  '#ce614a',
  '#417dc4',
  '#716043',
  '#60e0eb',
  '#e4794a',
];

export type Series = { label: string; values: number[]; color?: string };

export function BarChart({
  labels,
  series,
  description,
  stacked = false,
  horizontal = false,
  tall = false,
}: {
  labels: string[];
  series: Series[];
  /** What the chart shows, read by screen readers in place of the drawing. */
  description: string;
  stacked?: boolean;
  horizontal?: boolean;
  tall?: boolean;
}) {
  return (
    <div className={tall ? 'lsun-chart-tall' : 'lsun-chart'}>
      <Bar
        role="img"
        aria-label={description}
        data={{
          labels,
          datasets: series.map((one, index) => ({
            label: one.label,
            data: one.values,
            backgroundColor: one.color ?? palette[index % palette.length],
          })),
        }}
        options={{
          maintainAspectRatio: false,
          indexAxis: horizontal ? 'y' : 'x',
          // A stacked chart always says what its colours are, even with one series shown.
          plugins: { legend: { display: stacked || series.length > 1, position: 'bottom' } },
          scales: {
            x: { stacked, ...(horizontal ? { beginAtZero: true, ticks: { precision: 0 } } : {}) },
            y: { stacked, ...(horizontal ? {} : { beginAtZero: true, ticks: { precision: 0 } }) },
          },
        }}
      >
        {description}
      </Bar>
    </div>
  );
}
