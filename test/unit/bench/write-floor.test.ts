import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WRITE_FLOOR, WRITE_FLOOR_UNITS } from '../../../bench/write-units.ts';

/** docs/data-model.md's table of the lower bound, row by row: the write and its WCU. */
function documentedFloor(): { rows: number[]; total: number } {
  const doc = readFileSync(new URL('../../../docs/data-model.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## Write cost of an order'), doc.indexOf('## Consistency and idempotency'));
  const cells = section
    .split('\n')
    .filter((line) => /^\| .* \| \**\d+\** \|/.test(line))
    .map((line) => Number(line.split('|')[2]!.replace(/\*/g, '').trim()));
  return { rows: cells.slice(0, -1), total: cells.at(-1)! };
}

describe('the documented lower bound of write cost', () => {
  it('is the list the bench divides by: the same rows, the same units, the same total', () => {
    const documented = documentedFloor();
    expect(documented.rows).toEqual(WRITE_FLOOR.map((row) => row.units));
    expect(documented.total).toBe(WRITE_FLOOR_UNITS);
    expect(documented.rows.reduce((sum, units) => sum + units, 0)).toBe(documented.total);
  });
});
