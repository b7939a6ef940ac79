/**
 * The store's tables and how each maps to a collection of the dataset
 * format: what reading, importing and exporting share.
 */
import type { CollectionName } from '../engine/index.js';

/** SQL types of dataset fields; `numeric` values are exact decimals, kept as given. */
export type ColumnType = 'text' | 'date' | 'numeric' | 'boolean';

export interface Column {
  readonly field: string;
  readonly column: string;
  readonly type: ColumnType;
}

export interface Table {
  readonly name: string;
  /** Columns identifying a record: its id, or the fields that make it unique. */
  readonly key: readonly string[];
  readonly columns: readonly Column[];
}

const text = (field: string, column: string = field): Column => ({ field, column, type: 'text' });

/** Each collection of the dataset format and its table. */
export const TABLES: Readonly<Record<CollectionName, Table>> = {
  partners: { name: 'partners', key: ['id'], columns: [text('id'), text('name'), text('country')] },
  customers: { name: 'customers', key: ['id'], columns: [text('id'), text('name'), text('country')] },
  associations: {
    name: 'associations',
    key: ['customer_id', 'type', 'start_date', 'partner_id'],
    columns: [
      text('customerId', 'customer_id'),
      text('partnerId', 'partner_id'),
      text('type'),
      { field: 'start', column: 'start_date', type: 'date' },
      { field: 'end', column: 'end_date', type: 'date' },
    ],
  },
  revenue: {
    name: 'revenue_lines',
    key: ['id'],
    columns: [
      text('id'),
      text('customerId', 'customer_id'),
      text('product'),
      { field: 'date', column: 'date', type: 'date' },
      { field: 'amount', column: 'amount', type: 'numeric' },
      text('currency'),
      { field: 'netNew', column: 'net_new', type: 'boolean' },
    ],
  },
  people: { name: 'people', key: ['id'], columns: [text('id'), text('partnerId', 'partner_id'), text('name')] },
  examPasses: {
    name: 'exam_passes',
    key: ['person_id', 'exam', 'date'],
    columns: [text('personId', 'person_id'), text('exam'), { field: 'date', column: 'date', type: 'date' }],
  },
  fxRates: {
    name: 'fx_rates',
    key: ['currency', 'month'],
    columns: [text('currency'), text('month'), { field: 'usdPerUnit', column: 'usd_per_unit', type: 'numeric' }],
  },
};

/** The collections in the order the dataset format lists (and reports) them. */
export const COLLECTIONS = Object.keys(TABLES) as CollectionName[];

/** A column as the dataset gives it back: dates and exact decimals as text, free of time zones and floats. */
export function selectAsField(c: Column, alias = ''): string {
  const ref = alias ? `${alias}.${c.column}` : c.column;
  return c.type === 'date' || c.type === 'numeric' ? `${ref}::text AS "${c.field}"` : `${ref} AS "${c.field}"`;
}
