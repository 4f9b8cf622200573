import { writeFileSync } from 'node:fs';
import { budgetUse, describeBudget, withinBudget, type Figure } from './figures.ts';
import type { Summary } from './stats.ts';

export interface BenchResults {
  readonly generatedAt: string;
  readonly mode: 'quick' | 'full';
  readonly command: string;
  readonly machine: { readonly node: string; readonly platform: string; readonly arch: string; readonly cpus: number };
  /** `/proc/loadavg` (1, 5, 15 min) when the bench began and ended. */
  readonly loadAverage: { readonly start: string; readonly end: string };
  readonly durationSeconds: number;
  readonly figures: readonly Figure[];
  /** Sections that could not be measured, with why. */
  readonly errors: ReadonlyArray<{ readonly section: string; readonly message: string }>;
}

const digits = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2));
const range = (summary: Summary) => (summary.runs > 1 && summary.min !== summary.max ? ` [${digits(summary.min)}–${digits(summary.max)}]` : '');
const cell = (summary: Summary | undefined, suffix = '') => (summary ? `${digits(summary.median)}${suffix}${range(summary)}` : '');

/** The printed table: one line a figure, median [min–max], its baseline, the ratio and the budget. */
export function formatTable(figures: readonly Figure[]): string {
  const rows = figures.map((figure) => {
    const ok = withinBudget(figure);
    return [
      figure.section,
      figure.name,
      `${cell(figure.value)} ${figure.unit}`,
      figure.baseline ? `${cell(figure.baseline.value)} (${figure.baseline.name})` : '',
      cell(figure.ratio, '×'),
      describeBudget(figure.budget, figure.unit),
      ok === undefined ? '' : ok ? 'yes' : 'NO',
    ];
  });
  const header = ['section', 'figure', 'median [min–max]', 'baseline, same run', 'ratio', 'budget', 'within'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (row: readonly string[]) => row.map((text, i) => text.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

export function writeJson(path: string, results: BenchResults): void {
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The chart docs/performance.md shows: every budgeted figure as the share of its budget its median
 * uses (log scale; left of the line is within budget, whichever way the budget points), with the
 * min–max range of its repeats. Plain SVG, no dependency.
 */
export function renderChart(results: BenchResults): string {
  const rows = results.figures.filter((figure) => budgetUse(figure) !== undefined);
  const [lo, hi] = [0.1, 10];
  const labelWidth = 330;
  const plotWidth = 420;
  const valueWidth = 190;
  const rowHeight = 22;
  const top = 54;
  const width = labelWidth + plotWidth + valueWidth + 20;
  const height = top + rows.length * rowHeight + 40;
  const x = (use: number) => labelWidth + (Math.log10(Math.min(hi, Math.max(lo, use)) / lo) / Math.log10(hi / lo)) * plotWidth;
  const useOf = (figure: Figure, measured: number) => {
    const budget = figure.budget!;
    return budget.direction === 'at most' ? measured / budget.limit : budget.limit / measured;
  };
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">npm run bench${results.mode === 'quick' ? ' -- --quick' : ''}: share of the SPEC §7 budget used (median, min–max)</text>`,
    `<text x="10" y="38" fill="#555">${escape(`${results.generatedAt.slice(0, 16).replace('T', ' ')} UTC, Node ${results.machine.node}, ${results.machine.cpus} cores, load average ${results.loadAverage.start} → ${results.loadAverage.end}`)}</text>`,
  ];
  for (const tick of [0.1, 0.2, 0.5, 1, 2, 5, 10]) {
    const at = x(tick).toFixed(1);
    parts.push(`<line x1="${at}" y1="${top - 6}" x2="${at}" y2="${top + rows.length * rowHeight}" stroke="${tick === 1 ? '#333' : '#ddd'}" stroke-width="${tick === 1 ? 1.5 : 1}"/>`);
    parts.push(`<text x="${at}" y="${top + rows.length * rowHeight + 16}" text-anchor="middle" fill="#555">${tick}×</text>`);
  }
  parts.push(`<text x="${x(1)}" y="${top + rows.length * rowHeight + 32}" text-anchor="middle" fill="#333">budget</text>`);
  rows.forEach((figure, i) => {
    const y = top + i * rowHeight + rowHeight / 2;
    const measured = figure.budget!.on === 'ratio' ? figure.ratio! : figure.value;
    const [a, b] = [useOf(figure, measured.min), useOf(figure, measured.max)].sort((p, q) => p - q) as [number, number];
    const use = budgetUse(figure)!;
    const colour = use <= 1 ? '#2a7d2a' : '#c0392b';
    const shown = figure.budget!.on === 'ratio' ? `${digits(measured.median)}× (${describeBudget(figure.budget, figure.unit)})` : `${digits(measured.median)} ${figure.unit} (${describeBudget(figure.budget, figure.unit)})`;
    if (i % 2 === 0) parts.push(`<rect x="0" y="${y - rowHeight / 2}" width="${width}" height="${rowHeight}" fill="#f6f6f6"/>`);
    parts.push(`<text x="10" y="${y + 4}">${escape(`${figure.section}: ${figure.name}`.slice(0, 52))}</text>`);
    parts.push(`<line x1="${x(a).toFixed(1)}" y1="${y}" x2="${x(b).toFixed(1)}" y2="${y}" stroke="${colour}" stroke-width="2"/>`);
    parts.push(`<circle cx="${x(use).toFixed(1)}" cy="${y}" r="4.5" fill="${colour}"/>`);
    parts.push(`<text x="${labelWidth + plotWidth + 12}" y="${y + 4}" fill="${colour}">${escape(shown)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
