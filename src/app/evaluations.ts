/**
 * Evaluations of a store, kept while the store does not change: what the
 * API serves (and the basis of a live service), read from the store the way
 * the command line reads it.
 *
 * - The partner list needs every partner's levels as of a date: the whole
 *   store is read as columns (Store.columns, as `attain evaluate` reads it),
 *   prepared once per program version and evaluated with evidence off; the
 *   summaries (market, country, level per option) are kept per as-of date
 *   and version, and filtered, sorted and paged from memory.
 * - One partner's evaluation, plan, forecast and timeline read its
 *   neighbourhood (Store.neighbourhood, as `attain plan` reads it),
 *   validated as a dataset.
 *
 * Everything kept is keyed by the store's stamp (its last import batch and
 * its program versions, queries.ts): an import, from the API or from the
 * command line in another process, or a program load makes a new stamp, so
 * nothing stale is ever served. An import through the API also drops what
 * is kept at once, to free the memory.
 */
import {
  InvalidInputError,
  prepareColumns,
  type DatasetColumns,
  type PartnerEvaluation,
  type PreparedData,
  type Problem,
  type Program,
  type ProgramVersion,
} from '../engine/index.js';
import { judgeable } from './data.js';
import type { DefinitionsPort, StorePort } from './ports.js';
import { evaluation, evaluationOfColumns, type InputNames, type JudgedData, type Outcome, type RulesChoice } from './reports.js';

export interface LevelSummary {
  readonly competency: string;
  readonly option: string;
  readonly level: string | null;
}

export interface PartnerSummary {
  readonly id: string;
  readonly name: string;
  readonly country: string;
  readonly market: string;
  readonly levels: readonly LevelSummary[];
}

export interface Summaries {
  readonly asOf: string;
  readonly program: string;
  readonly programVersion: string;
  /** The version that judged. */
  readonly version: ProgramVersion;
  readonly partners: readonly PartnerSummary[];
}

/** The level attained in each option. */
function levelsOf(evaluation: PartnerEvaluation): LevelSummary[] {
  return evaluation.competencies.flatMap((c) => c.options.map((o) => ({ competency: c.competency, option: o.option, level: o.level })));
}

/** The store's data does not validate under the rules it is to be judged by (a program changed since it was imported). */
export class StoreDataError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(`the store's data cannot be judged: ${problems.length} problems`);
    this.name = 'StoreDataError';
  }
}

/** A small map that forgets the least recently used entry beyond its size. */
class Lru<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly size: number) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

export interface EvaluationsOptions {
  /** Summaries kept (one per as-of date and version). */
  readonly summaries?: number | undefined;
  /** Neighbourhoods kept (one per partner). */
  readonly neighbourhoods?: number | undefined;
}

export class Evaluations {
  private program_: { stamp: string; program: Program } | undefined;
  /** The whole store as columns, and each version's preparation of them: for one stamp only. */
  private columns: { stamp: string; columns: Promise<DatasetColumns>; prepared: Map<string, PreparedData> } | undefined;
  private readonly summaries_: Lru<Promise<Outcome<Summaries>>>;
  private readonly neighbourhoods: Lru<Promise<JudgedData>>;

  constructor(
    private readonly store: StorePort,
    private readonly definitions: DefinitionsPort,
    options: EvaluationsOptions = {},
  ) {
    this.summaries_ = new Lru(options.summaries ?? 16);
    this.neighbourhoods = new Lru(options.neighbourhoods ?? 64);
  }

  /** Forgets everything kept (after an import through the API). */
  invalidate(): void {
    this.program_ = undefined;
    this.columns = undefined;
    this.summaries_.clear();
    this.neighbourhoods.clear();
  }

  /** The store's stamp and the program its data is judged by: the stored one, else the bundled definition. */
  async program(): Promise<{ stamp: string; program: Program }> {
    const stamp = await this.store.queries.stamp();
    if (this.program_?.stamp === stamp) return this.program_;
    let program: Program | undefined;
    try {
      program = await this.store.program();
    } catch (error) {
      if (error instanceof InvalidInputError) throw new StoreDataError(error.problems);
      throw error;
    }
    this.program_ = { stamp, program: program ?? this.definitions.read().program };
    return this.program_;
  }

  /** Every partner's summary as of a date. */
  async summaries(rules: RulesChoice, names: InputNames): Promise<Outcome<Summaries>> {
    const { stamp, program } = await this.program();
    const key = `${stamp}|${rules.asOf}|${rules.programVersion ?? ''}`;
    let found = this.summaries_.get(key);
    if (!found) {
      found = this.computeSummaries(stamp, program, rules, names);
      this.summaries_.set(key, found);
      // A failure is not kept: the next request tries again.
      found.then(
        (outcome) => outcome.ok || this.summaries_.delete(key),
        () => this.summaries_.delete(key),
      );
    }
    return found;
  }

  private async computeSummaries(stamp: string, program: Program, rules: RulesChoice, names: InputNames): Promise<Outcome<Summaries>> {
    if (this.columns?.stamp !== stamp) {
      const columns = this.store.columns(program).catch((error: unknown) => {
        if (error instanceof InvalidInputError) throw new StoreDataError(error.problems);
        throw error;
      });
      this.columns = { stamp, columns, prepared: new Map() };
      columns.catch(() => {
        if (this.columns?.columns === columns) this.columns = undefined;
      });
    }
    const kept = this.columns;
    const columns = await kept.columns;
    const evaluated = evaluationOfColumns({ program, columns, source: 'store' }, undefined, rules, names, {
      evidence: false,
      // Each version's preparation is kept while the store does not change: any date under it reuses it.
      prepared: (version) => {
        let prepared = kept.prepared.get(version.effectiveFrom);
        if (!prepared) {
          prepared = prepareColumns(version, columns);
          kept.prepared.set(version.effectiveFrom, prepared);
        }
        return prepared;
      },
    });
    // Data that cannot be judged (a sum of money beyond exact cents) is the store's fault, as an invalid record is.
    if (!evaluated.ok && evaluated.kind === 'data') throw new StoreDataError(evaluated.problems);
    if (!evaluated.ok) return evaluated;
    const { version, result: report } = evaluated.value;
    const { names: partnerNames, countries } = columns.partners;
    const partners = report.partners.map((p, i): PartnerSummary => ({
      id: p.partnerId,
      name: partnerNames[i]!,
      country: countries[i]!,
      market: p.market,
      levels: levelsOf(p),
    }));
    return { ok: true, value: { asOf: rules.asOf, program: version.id, programVersion: version.effectiveFrom, version, partners } };
  }

  /** One partner's summary, from its neighbourhood (no whole-store evaluation); undefined when there is no such partner. */
  async partnerSummaries(partnerId: string, rules: RulesChoice, names: InputNames): Promise<Outcome<Summaries> | undefined> {
    const data = await this.partner(partnerId);
    if (!data) return undefined;
    const evaluated = evaluation(data, [partnerId], rules, names, { evidence: false });
    if (!evaluated.ok && evaluated.kind === 'data') throw new StoreDataError(evaluated.problems);
    if (!evaluated.ok) return evaluated;
    const { version, result } = evaluated.value;
    const partner = data.dataset.partners.find((p) => p.id === partnerId)!;
    const summary: PartnerSummary = {
      id: partner.id,
      name: partner.name,
      country: partner.country,
      market: result.partners[0]!.market,
      levels: levelsOf(result.partners[0]!),
    };
    return {
      ok: true,
      value: { asOf: rules.asOf, program: version.id, programVersion: version.effectiveFrom, version, partners: [summary] },
    };
  }

  /**
   * One partner's neighbourhood as a validated dataset, with the program
   * judging it; undefined when the store has no such partner.
   */
  async partner(partnerId: string): Promise<JudgedData | undefined> {
    const { stamp, program } = await this.program();
    const key = `${stamp}|${partnerId}`;
    let found = this.neighbourhoods.get(key);
    if (!found) {
      found = (async () => {
        const validated = judgeable(await this.store.neighbourhood(partnerId), program, 'store');
        if (!validated.ok) throw new StoreDataError(validated.problems);
        return validated.value;
      })();
      this.neighbourhoods.set(key, found);
      found.catch(() => this.neighbourhoods.delete(key));
    }
    const data = await found;
    return data.dataset.partners.some((p) => p.id === partnerId) ? data : undefined;
  }
}
