/**
 * Every CSV Attain writes (rejected rows, the timeline) goes through here:
 * a cell a spreadsheet would run as a formula — one beginning with =, +, -,
 * @, a tab or a carriage return — gets a leading apostrophe (OWASP, "CSV
 * Injection"). A plain number (`-150.125`) is left as it is: it is no formula.
 */
import { stringify } from 'csv-stringify/sync';

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(?:\.\d+)?$/;

/** One cell, made inert for spreadsheets. */
export function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** Rows as CSV text, every cell through `csvCell`. */
export function stringifyCsv(rows: readonly (readonly unknown[])[]): string {
  return stringify(rows.map((row) => row.map(csvCell)));
}
