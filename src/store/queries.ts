/**
 * Read queries of one partner's records, paged in SQL, and the stamp that
 * says whether the store changed: what the HTTP API serves beside the
 * engine's reports. Every query is about one partner, named by its id: the
 * caller decides whether the asker may see it.
 */
import { usdCentsSql } from '../engine/index.js';
import type { SqlClient } from './sql.js';

export interface Page<T> {
  readonly total: number;
  readonly items: T[];
}

export interface PartnerRow {
  readonly id: string;
  readonly name: string;
  readonly country: string;
}

export interface ExamPassRow {
  readonly personId: string;
  readonly exam: string;
  readonly date: string;
}

export interface PersonRow {
  readonly id: string;
  readonly name: string;
  readonly examPasses: { readonly exam: string; readonly date: string }[];
}

export interface RevenueLineRow {
  readonly id: string;
  readonly customerId: string;
  readonly product: string;
  readonly date: string;
  /** Exact decimal text, as imported. */
  readonly amount: string;
  readonly currency: string;
  readonly netNew: boolean;
  /** The customer's name. */
  readonly customerName: string;
  /** US dollars per unit of the currency for the line's month (exact decimal text; 1 for dollars); null when the store has no rate. */
  readonly usdPerUnit: string | null;
  /** The amount in US dollars, rounded once to the cent as the engine converts it (rules/currency-conversion.ts); null without a rate. */
  readonly usd: number | null;
}

export interface PageOptions {
  readonly limit: number;
  readonly offset: number;
}

/** PGlite gives json columns parsed, node-postgres too; text when cast. Either way: the value. */
function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/**
 * Revenue lines of partner $1: lines of its customers dated while the
 * customer was associated with it (any association type), once each.
 */
const PARTNER_LINES = `
  SELECT DISTINCT r.seq, r.id, r.customer_id, r.product, r.date, r.amount, r.currency, r.net_new
    FROM revenue_lines r
    JOIN associations a ON a.customer_id = r.customer_id
   WHERE a.partner_id = $1 AND r.date >= a.start_date AND (a.end_date IS NULL OR r.date <= a.end_date)
     AND ($2::date IS NULL OR r.date >= $2::date) AND ($3::date IS NULL OR r.date <= $3::date)`;

export class Queries {
  constructor(private readonly db: SqlClient) {}

  /**
   * What the store's data and rules are at this moment: the last import
   * batch and every stored program version with when it was loaded. Equal
   * stamps, equal results: what caches are keyed by.
   */
  async stamp(): Promise<string> {
    const [row] = await this.db.query<{ batch: string; programs: string }>(
      `SELECT (SELECT coalesce(max(id), 0)::text FROM import_batches) AS batch,
              (SELECT coalesce(string_agg(program_id || '@' || effective_from::text || '@' || loaded_at::text, ','
                                          ORDER BY program_id, effective_from), '')
                 FROM program_versions) AS programs`,
    );
    return `${row!.batch}|${row!.programs}`;
  }

  /**
   * The latest date the store's data reaches: of its latest revenue line,
   * exam pass or association start; null when there is none. One max per
   * table: a scan of each at worst (callers keep it per stamp).
   */
  async dataThrough(): Promise<string | null> {
    const [row] = await this.db.query<{ through: string | null }>(
      `SELECT greatest((SELECT max(date) FROM revenue_lines), (SELECT max(date) FROM exam_passes),
                       (SELECT max(start_date) FROM associations))::text AS through`,
    );
    return row?.through ?? null;
  }

  /** Whether the store holds no data yet (rejected imports leave it so). */
  async isEmpty(): Promise<boolean> {
    const [row] = await this.db.query<{ empty: boolean }>('SELECT NOT EXISTS (SELECT 1 FROM partners) AS empty');
    return row!.empty;
  }

  async partner(id: string): Promise<PartnerRow | undefined> {
    const [row] = await this.db.query<PartnerRow>('SELECT id, name, country FROM partners WHERE id = $1', [id]);
    return row;
  }

  /** The partner a person belongs to; undefined when there is no such person. */
  async partnerOfPerson(personId: string): Promise<string | undefined> {
    const [row] = await this.db.query<{ partner_id: string }>('SELECT partner_id FROM people WHERE id = $1', [personId]);
    return row?.partner_id;
  }

  /** The partner's people in the order they were imported, each with their exam passes by date. */
  async people(partnerId: string, page: PageOptions): Promise<Page<PersonRow>> {
    const [row] = await this.db.query<{ total: number; items: unknown }>(
      `SELECT (SELECT count(*)::int FROM people WHERE partner_id = $1) AS total,
              (SELECT coalesce(json_agg(json_build_object('id', p.id, 'name', p.name, 'examPasses', p.passes) ORDER BY p.seq), '[]'::json)
                 FROM (SELECT pe.seq, pe.id, pe.name,
                              (SELECT coalesce(json_agg(json_build_object('exam', x.exam, 'date', x.date::text) ORDER BY x.date, x.exam), '[]'::json)
                                 FROM exam_passes x WHERE x.person_id = pe.id) AS passes
                         FROM people pe WHERE pe.partner_id = $1 ORDER BY pe.seq LIMIT $2 OFFSET $3) p) AS items`,
      [partnerId, page.limit, page.offset],
    );
    return { total: Number(row!.total), items: json<PersonRow[]>(row!.items) };
  }

  /** The exam passes of the partner's people, by date. */
  async examPasses(partnerId: string, page: PageOptions): Promise<Page<ExamPassRow>> {
    const [row] = await this.db.query<{ total: number; items: unknown }>(
      `SELECT (SELECT count(*)::int FROM exam_passes x JOIN people p ON p.id = x.person_id WHERE p.partner_id = $1) AS total,
              (SELECT coalesce(json_agg(json_build_object('personId', q.person_id, 'exam', q.exam, 'date', q.date::text)
                                        ORDER BY q.date, q.person_id, q.exam), '[]'::json)
                 FROM (SELECT x.person_id, x.exam, x.date FROM exam_passes x JOIN people p ON p.id = x.person_id
                        WHERE p.partner_id = $1 ORDER BY x.date, x.person_id, x.exam LIMIT $2 OFFSET $3) q) AS items`,
      [partnerId, page.limit, page.offset],
    );
    return { total: Number(row!.total), items: json<ExamPassRow[]>(row!.items) };
  }

  /**
   * Revenue lines attributed to the partner by an association in force on their date, by date; optionally from / to a date.
   * Each with its customer's name, its month's rate and its amount in US dollars, as the evaluation counts it.
   */
  async revenue(
    partnerId: string,
    options: PageOptions & { readonly from?: string | undefined; readonly to?: string | undefined },
  ): Promise<Page<RevenueLineRow>> {
    const [row] = await this.db.query<{ total: number; items: unknown }>(
      `WITH lines AS (${PARTNER_LINES})
       SELECT (SELECT count(*)::int FROM lines) AS total,
              (SELECT coalesce(json_agg(json_build_object('id', l.id, 'customerId', l.customer_id, 'product', l.product,
                                                          'date', l.date::text, 'amount', l.amount::text, 'currency', l.currency,
                                                          'netNew', l.net_new, 'customerName', coalesce(c.name, l.customer_id),
                                                          'usdPerUnit', l.rate::text, 'usd', ${usdCentsSql('l.amount', 'l.rate')}::numeric / 100)
                                        ORDER BY l.date, l.seq), '[]'::json)
                 FROM (SELECT p.*, CASE WHEN p.currency = 'USD' THEN 1::numeric ELSE f.usd_per_unit END AS rate
                         FROM (SELECT * FROM lines ORDER BY date, seq LIMIT $4 OFFSET $5) p
                         LEFT JOIN fx_rates f ON f.currency = p.currency AND f.month = to_char(p.date, 'YYYY-MM')) l
                 LEFT JOIN customers c ON c.id = l.customer_id) AS items`,
      [partnerId, options.from ?? null, options.to ?? null, options.limit, options.offset],
    );
    return { total: Number(row!.total), items: json<RevenueLineRow[]>(row!.items) };
  }

  /** A stored program version's definition document; undefined when the store keeps no such version. */
  async programDefinition(programId: string, effectiveFrom: string): Promise<unknown> {
    const [row] = await this.db.query<{ definition: unknown }>(
      'SELECT definition FROM program_versions WHERE program_id = $1 AND effective_from = $2::date',
      [programId, effectiveFrom],
    );
    return row === undefined ? undefined : json<unknown>(row.definition);
  }

  /** Whether the store answers at all (health checks). */
  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }
}
