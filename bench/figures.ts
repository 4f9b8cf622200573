import type { Summary } from './stats.ts';

/** A SPEC §7 budget: on the ratio to the row's baseline, or on the value itself (p99 ≤ 2 s). */
export interface Budget {
  readonly on: 'ratio' | 'value';
  readonly direction: 'at most' | 'at least';
  readonly limit: number;
}

/** One measured row of the bench: a figure, what it is compared with in the same run, and its budget. */
export interface Figure {
  readonly section: string;
  readonly name: string;
  readonly unit: string;
  readonly value: Summary;
  readonly baseline?: { readonly name: string; readonly value: Summary };
  /** value ÷ baseline, paired round by round where the rounds allow it. */
  readonly ratio?: Summary;
  readonly budget?: Budget;
  readonly note?: string;
}

/** How much of its budget a figure's median uses: ≤ 1 is within budget, whichever the direction. */
export function budgetUse(figure: Figure): number | undefined {
  const { budget } = figure;
  if (!budget) return undefined;
  const measured = budget.on === 'ratio' ? figure.ratio?.median : figure.value.median;
  if (measured === undefined) return undefined;
  return budget.direction === 'at most' ? measured / budget.limit : budget.limit / measured;
}

export function withinBudget(figure: Figure): boolean | undefined {
  const use = budgetUse(figure);
  return use === undefined ? undefined : use <= 1;
}

export function describeBudget(budget: Budget | undefined, unit: string): string {
  if (!budget) return '';
  const sign = budget.direction === 'at most' ? '≤' : '≥';
  return budget.on === 'ratio' ? `${sign} ${budget.limit}×` : `${sign} ${budget.limit} ${unit}`;
}
