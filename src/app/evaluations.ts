/**
 * The live state of a store: what a server answers every read from, loaded
 * once and kept current as imports commit.
 *
 * - At start the whole store is read once as columns (Store.columns, as
 *   `attain evaluate` reads it) and each program version prepares them the
 *   first time a date under it is asked for (ColumnsProgram). The partner
 *   list's summaries (market, country, level per option) of a date and
 *   version are evaluated from it once, evidence off, then filtered,
 *   sorted and paged from memory.
 * - Every read first catches up with the store (`refresh`): the store's
 *   stamp (its last import batch and its program versions) is compared with
 *   the one the state reflects. An import — through this server, or by
 *   another process on a PostgreSQL server — lists in the import log
 *   (migration 6) every partner whose measures its records can change: new
 *   and updated revenue lines (both customers of a moved line), associations
 *   (both sides of a hand-over), customers, people (both partners of a
 *   move), exam passes, partners, and the lines of a month whose rate
 *   changed. Only those partners are read again, together, as one
 *   neighbourhood (Store.neighbourhood), validated and prepared; their
 *   summaries replace the loaded ones (a "patch"), new partners join. The
 *   rest of the state is kept as it is.
 * - A program load changes the rules of every partner: the state is loaded
 *   again. So is it when the patches grow past a tenth of the partners (an
 *   import of a month of billing touches most of them), where one read of
 *   the whole store as columns is cheaper than re-reading each
 *   neighbourhood as records, and keeps memory bounded.
 * - One partner's page (evaluation, plan, forecast, timeline, matrix) reads
 *   its neighbourhood once and prepares it once for all of them (the
 *   preparation is shared, reports.ts `preparedOf`); it is dropped when an
 *   import changes that partner, and kept otherwise.
 *
 * Catching up is serialized: a read waits for the catch-up in flight, so no
 * read ever sees half of an import. Listeners (the server's push of
 * events) hear of each change with the batches it brought.
 */
import {
  ColumnsProgram,
  judgedBy,
  InvalidInputError,
  partnerMarket,
  type OptionOutlook,
  type PartnerEvaluation,
  type Problem,
  type Program,
  type ProgramVersion,
} from '../engine/index.js';
import { judgeable } from './data.js';
import { outlooksOf } from './outlooks.js';
import type { OverviewRow } from './overview.js';
import type { DefinitionsPort, StorePort } from './ports.js';
import {
  evaluation,
  levelsOfColumns,
  preparedOf,
  type InputNames,
  type JudgedData,
  type JudgedVersions,
  type Outcome,
  type RulesChoice,
} from './reports.js';

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

/** What a catch-up brought: the batches after the last one the state reflected, and the partners they changed. */
export interface StateChange {
  /** The store's stamp now. */
  readonly stamp: string;
  /** The last import batch the state reflected before, and the one it reflects now: the batches in between are new. */
  readonly previousBatch: number;
  readonly batch: number;
  /** Partners read again (all of them when `reloaded`). */
  readonly partners: number;
  /** Those partners' ids (none listed when `reloaded`: every partner may have changed). */
  readonly partnerIds: readonly string[];
  /** The whole store was read again (a program load, or an import that changed too many partners). */
  readonly reloaded: boolean;
  /** Why it was read again. */
  readonly reason?: 'program' | 'many-partners';
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
  /** Patched partners beyond which the whole store is read again (default: a tenth of the partners, at least 50). */
  readonly reloadAfter?: ((partners: number) => number) | undefined;
}

/** Partners read again since the load, together: their neighbourhoods' union, validated, judged like the store. */
interface Patch {
  readonly data: JudgedData;
}

/** What the state reflects: the store as of one stamp. */
interface State {
  readonly stamp: string;
  readonly batch: number;
  readonly programs: string;
  readonly program: Program;
  /** The store as loaded, under every version. */
  readonly base: ColumnsProgram;
  /** Partners read again since, each to the latest patch that holds it. */
  readonly patches: Map<string, Patch>;
  /** Bumped with every patch: summaries are kept per generation. */
  readonly generation: number;
  /** Summaries of the store as loaded, per date and version (the expensive part, kept across patches). */
  readonly loaded: Lru<Promise<Outcome<Summaries>>>;
  /** Outlooks of the partners as loaded (in the columns' order), per date and version: asked for by the partner list only. */
  readonly loadedOutlooks: Lru<Outcome<readonly (readonly OptionOutlook[])[]>>;
}

/** Every partner's summary with its outlook (next level, largest shortfall, lapse), as the partner list filters and sorts them. */
export interface Overview {
  readonly summaries: Summaries;
  readonly rows: readonly OverviewRow[];
}

/** A stamp's parts (queries.ts): the last import batch, and the program versions. */
function stampParts(stamp: string): { batch: number; programs: string } {
  const bar = stamp.indexOf('|');
  return { batch: Number(stamp.slice(0, bar)), programs: stamp.slice(bar + 1) };
}

function storeError(error: unknown): never {
  if (error instanceof InvalidInputError) throw new StoreDataError(error.problems);
  throw error;
}

export class Evaluations {
  private state: Promise<State> | undefined;
  private catchingUp: Promise<State> | undefined;
  /** Summaries with the patches applied, per generation. */
  private readonly summaries_: Lru<Promise<Outcome<Summaries>>>;
  private readonly overviews: Lru<Promise<Outcome<Overview>>>;
  private readonly neighbourhoods: Lru<Promise<JudgedData>>;
  private readonly listeners = new Set<(change: StateChange) => void>();
  private readonly reloadAfter: (partners: number) => number;
  private readonly summariesKept: number;

  constructor(
    private readonly store: StorePort,
    private readonly definitions: DefinitionsPort,
    options: EvaluationsOptions = {},
  ) {
    this.summariesKept = options.summaries ?? 16;
    this.summaries_ = new Lru(this.summariesKept);
    this.overviews = new Lru(this.summariesKept);
    this.neighbourhoods = new Lru(options.neighbourhoods ?? 1024);
    this.reloadAfter = options.reloadAfter ?? ((partners) => Math.max(50, Math.ceil(partners / 10)));
  }

  /** Hears of every change the state catches up with; returns the function that stops it. */
  onChange(listener: (change: StateChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads the whole store (at start, or again after a program load); resolves when the state is current. */
  async load(): Promise<void> {
    await this.current();
  }

  /**
   * Catches up with the store now (after an import through this server, so
   * that its answer and every read after it see the import; or on a timer,
   * to hear of other processes' imports).
   */
  async refresh(): Promise<void> {
    await this.current();
  }

  /** The state, caught up with the store: one catch-up at a time, every caller waiting for the one in flight. */
  private current(): Promise<State> {
    if (this.catchingUp) return this.catchingUp;
    const run = (async () => {
      const stamp = await this.store.queries.stamp();
      const previous = this.state ? await this.state.catch(() => undefined) : undefined;
      if (previous?.stamp === stamp) return previous;
      const next = this.advance(previous, stamp);
      this.state = next;
      // A failed load is not kept: the next read tries again.
      next.catch(() => {
        if (this.state === next) this.state = undefined;
      });
      return next;
    })();
    this.catchingUp = run;
    const done = () => {
      if (this.catchingUp === run) this.catchingUp = undefined;
    };
    run.then(done, done);
    return run;
  }

  private async advance(previous: State | undefined, stamp: string): Promise<State> {
    const { batch, programs } = stampParts(stamp);
    if (!previous || previous.programs !== programs) {
      const state = await this.loadState(stamp);
      const partners = state.base.columns.partners.ids.length;
      if (previous) this.emit({ stamp, previousBatch: previous.batch, batch, partners, partnerIds: [], reloaded: true, reason: 'program' });
      return state;
    }
    const changes = await this.store.changesSince(previous.batch);
    const changed = changes.partnerIds;
    const patched = new Set([...previous.patches.keys(), ...changed]);
    if (patched.size > this.reloadAfter(previous.base.columns.partners.ids.length)) {
      const state = await this.loadState(stamp);
      const partners = state.base.columns.partners.ids.length;
      this.emit({ stamp, previousBatch: previous.batch, batch, partners, partnerIds: [], reloaded: true, reason: 'many-partners' });
      return state;
    }
    const patches = new Map(previous.patches);
    if (changed.length > 0) {
      const validated = judgeable(await this.store.neighbourhood(changed), previous.program, 'store');
      if (!validated.ok) throw new StoreDataError(validated.problems);
      const patch: Patch = { data: validated.value };
      const present = new Set(validated.value.dataset.partners.map((p) => p.id));
      for (const id of changed) if (present.has(id)) patches.set(id, patch);
      for (const id of changed) this.neighbourhoods.delete(id);
      // One partner read again is its own neighbourhood, exactly as its page reads it: the page needs no read of its own.
      if (changed.length === 1 && present.has(changed[0]!)) this.neighbourhoods.set(changed[0]!, Promise.resolve(validated.value));
    }
    const state: State = { ...previous, stamp, batch, patches, generation: previous.generation + (changed.length > 0 ? 1 : 0) };
    this.emit({ stamp, previousBatch: previous.batch, batch, partners: changed.length, partnerIds: changed, reloaded: false });
    return state;
  }

  private async loadState(stamp: string): Promise<State> {
    const { batch, programs } = stampParts(stamp);
    let program: Program | undefined;
    try {
      program = await this.store.program();
    } catch (error) {
      storeError(error);
    }
    program ??= this.definitions.read().program;
    // The stamp is read before the data: an import committing in between is in the data and is caught up
    // again from the log, which gives the same result (a re-read is idempotent).
    const columns = await this.store.columns(program).catch(storeError);
    this.summaries_.clear();
    this.overviews.clear();
    this.neighbourhoods.clear();
    const base = new ColumnsProgram(program, columns);
    return {
      stamp,
      batch,
      programs,
      program,
      base,
      patches: new Map(),
      generation: 0,
      loaded: new Lru(this.summariesKept),
      loadedOutlooks: new Lru(this.summariesKept),
    };
  }

  private emit(change: StateChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // A listener's failure (a closed connection) is its own; the state is current either way.
      }
    }
  }

  /** The store's stamp and the program its data is judged by: the stored one, else the bundled definition. */
  async program(): Promise<{ stamp: string; program: Program }> {
    const state = await this.current();
    return { stamp: state.stamp, program: state.program };
  }

  /** Every partner's summary as of a date: the loaded store's, with the partners read again since in their place. */
  async summaries(rules: RulesChoice, names: InputNames): Promise<Outcome<Summaries>> {
    const state = await this.current();
    const key = `${state.stamp}|${state.generation}|${rules.asOf}|${rules.programVersion ?? ''}`;
    let found = this.summaries_.get(key);
    if (!found) {
      found = this.patchedSummaries(state, rules, names);
      this.summaries_.set(key, found);
      found.then(
        (outcome) => outcome.ok || this.summaries_.delete(key),
        () => this.summaries_.delete(key),
      );
    }
    return found;
  }

  private async patchedSummaries(state: State, rules: RulesChoice, names: InputNames): Promise<Outcome<Summaries>> {
    const base = await this.loadedSummaries(state, rules, names);
    if (!base.ok || state.patches.size === 0) return base;
    const byPatch = new Map<Patch, string[]>();
    for (const [id, patch] of state.patches) byPatch.set(patch, [...(byPatch.get(patch) ?? []), id]);
    const replaced = new Map<string, PartnerSummary>();
    for (const [patch, ids] of byPatch) {
      const evaluated = evaluation(patch.data, ids, rules, names, { evidence: false });
      if (!evaluated.ok && evaluated.kind === 'data') throw new StoreDataError(evaluated.problems);
      if (!evaluated.ok) return evaluated;
      const records = new Map(patch.data.dataset.partners.map((p) => [p.id, p] as const));
      for (const p of evaluated.value.result.partners) {
        const partner = records.get(p.partnerId)!;
        replaced.set(p.partnerId, { id: p.partnerId, name: partner.name, country: partner.country, market: p.market, levels: levelsOf(p) });
      }
    }
    const partners = base.value.partners.map((p) => replaced.get(p.id) ?? p);
    const loaded = new Set(base.value.partners.map((p) => p.id));
    for (const [id, summary] of replaced) if (!loaded.has(id)) partners.push(summary);
    return { ok: true, value: { ...base.value, partners } };
  }

  /**
   * Every partner's summary and outlook as of a date: the outlooks of the
   * partners as loaded are computed once per date and version (a lapse
   * search per partner: seconds at 100,000 partners), those of partners
   * read again since from their patch.
   */
  async overview(rules: RulesChoice, names: InputNames): Promise<Outcome<Overview>> {
    const state = await this.current();
    const key = `${state.stamp}|${state.generation}|${rules.asOf}|${rules.programVersion ?? ''}`;
    let found = this.overviews.get(key);
    if (!found) {
      found = this.summaries(rules, names).then((summaries) => (summaries.ok ? this.outlooks(state, summaries.value, rules) : summaries));
      this.overviews.set(key, found);
      found.then(
        (outcome) => outcome.ok || this.overviews.delete(key),
        () => this.overviews.delete(key),
      );
    }
    return found;
  }

  private outlooks(state: State, summaries: Summaries, rules: RulesChoice): Outcome<Overview> {
    const forced = rules.programVersion === undefined ? undefined : summaries.version;
    const key = `${rules.asOf}|${rules.programVersion ?? ''}`;
    let loaded = state.loadedOutlooks.get(key);
    if (!loaded) {
      loaded = outlooksOf(state.base, state.base.columns.partners.ids, rules.asOf, forced);
      if (loaded.ok) state.loadedOutlooks.set(key, loaded);
    }
    if (!loaded.ok) {
      if (loaded.kind === 'data') throw new StoreDataError(loaded.problems);
      return loaded;
    }
    const patched = new Map<string, readonly OptionOutlook[]>();
    const byPatch = new Map<Patch, string[]>();
    for (const [id, patch] of state.patches) byPatch.set(patch, [...(byPatch.get(patch) ?? []), id]);
    for (const [patch, ids] of byPatch) {
      const outlooks = outlooksOf(preparedOf(patch.data), ids, rules.asOf, forced);
      if (!outlooks.ok) {
        if (outlooks.kind === 'data') throw new StoreDataError(outlooks.problems);
        return outlooks;
      }
      ids.forEach((id, i) => patched.set(id, outlooks.value[i]!));
    }
    const outlookOf = (id: string): readonly OptionOutlook[] => patched.get(id) ?? loaded.value[state.base.partnerIndex(id)!]!;
    return { ok: true, value: { summaries, rows: summaries.partners.map((p) => ({ ...p, outlook: outlookOf(p.id) })) } };
  }

  /** One partner's summary and outlook, from the live state; undefined when there is no such partner. */
  async partnerOverview(partnerId: string, rules: RulesChoice, names: InputNames): Promise<Outcome<Overview> | undefined> {
    const summaries = await this.partnerSummaries(partnerId, rules, names);
    if (!summaries?.ok) return summaries;
    const data = (await this.judged(partnerId))!;
    const forced = rules.programVersion === undefined ? undefined : summaries.value.version;
    const outlooks = outlooksOf(data.versions(), [partnerId], rules.asOf, forced);
    if (!outlooks.ok) {
      if (outlooks.kind === 'data') throw new StoreDataError(outlooks.problems);
      return outlooks;
    }
    return { ok: true, value: { summaries: summaries.value, rows: [{ ...summaries.value.partners[0]!, outlook: outlooks.value[0]! }] } };
  }

  /** The loaded store's summaries of a date and version: computed once per load. */
  private loadedSummaries(state: State, rules: RulesChoice, names: InputNames): Promise<Outcome<Summaries>> {
    const key = `${rules.asOf}|${rules.programVersion ?? ''}`;
    let found = state.loaded.get(key);
    if (!found) {
      found = Promise.resolve().then(() => this.computeSummaries(state, rules, names));
      state.loaded.set(key, found);
      found.then(
        (outcome) => outcome.ok || state.loaded.delete(key),
        () => state.loaded.delete(key),
      );
    }
    return found;
  }

  private computeSummaries(state: State, rules: RulesChoice, names: InputNames): Outcome<Summaries> {
    const { columns } = state.base;
    // Levels and markets only: every partner's report (requirements, shortfalls) would be built to be thrown away.
    const evaluated = levelsOfColumns({ program: state.program, columns, source: 'store' }, rules, names, {
      // Each version's preparation is kept with the state: any date under it reuses it.
      prepared: (version) => state.base.of(version),
    });
    // Data that cannot be judged (a sum of money beyond exact cents) is the store's fault, as an invalid record is.
    if (!evaluated.ok && evaluated.kind === 'data') throw new StoreDataError(evaluated.problems);
    if (!evaluated.ok) return evaluated;
    const { version, result: batch, prepared } = evaluated.value;
    const { names: partnerNames, countries } = columns.partners;
    const options = batch.options.length;
    const partners = Array.from(batch.partners, (p, k): PartnerSummary => ({
      id: prepared.partnerIds[p]!,
      name: partnerNames[p]!,
      country: countries[p]!,
      market: partnerMarket(prepared, p),
      levels: batch.options.map((o, i) => {
        const level = batch.level[k * options + i]!;
        return { competency: o.competency, option: o.option, level: level < 0 ? null : o.levels[level]! };
      }),
    }));
    return { ok: true, value: { asOf: rules.asOf, program: version.id, programVersion: version.effectiveFrom, version, partners } };
  }

  /**
   * One partner in the live state, as the evaluation, forecast and timeline
   * read it: the store as loaded (columns, prepared once per version), or
   * the patch that read it again since. Undefined when there is no such
   * partner. Nothing is read from the store.
   */
  async judged(partnerId: string): Promise<(JudgedVersions & { readonly name: string; readonly country: string }) | undefined> {
    const state = await this.current();
    const patch = state.patches.get(partnerId);
    if (patch) {
      // A patch holds its partners' neighbours too, but only for what decides its own partners: only those are its.
      const record = patch.data.dataset.partners.find((p) => p.id === partnerId)!;
      return {
        program: state.program,
        source: 'store',
        name: record.name,
        country: record.country,
        has: (id) => state.patches.get(id) === patch,
        versions: (forced) => preparedOf(patch.data, forced),
      };
    }
    const index = state.base.partnerIndex(partnerId);
    if (index === undefined) return undefined;
    const { base } = state;
    return {
      program: state.program,
      source: 'store',
      name: base.columns.partners.names[index]!,
      country: base.columns.partners.countries[index]!,
      has: (id) => base.partnerIndex(id) !== undefined && !state.patches.has(id),
      versions: (forced) => (forced ? judgedBy(base, forced) : base),
    };
  }

  /** One partner's summary, from the live state (no whole-store evaluation); undefined when there is no such partner. */
  async partnerSummaries(partnerId: string, rules: RulesChoice, names: InputNames): Promise<Outcome<Summaries> | undefined> {
    const data = await this.judged(partnerId);
    if (!data) return undefined;
    const evaluated = evaluation(data, [partnerId], rules, names, { evidence: false });
    if (!evaluated.ok && evaluated.kind === 'data') throw new StoreDataError(evaluated.problems);
    if (!evaluated.ok) return evaluated;
    const { version, result } = evaluated.value;
    const summary: PartnerSummary = {
      id: partnerId,
      name: data.name,
      country: data.country,
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
   * judging it, prepared once for every report of it; undefined when the
   * store has no such partner.
   */
  async partner(partnerId: string): Promise<JudgedData | undefined> {
    const state = await this.current();
    let found = this.neighbourhoods.get(partnerId);
    if (!found) {
      found = (async () => {
        const validated = judgeable(await this.store.neighbourhood(partnerId), state.program, 'store');
        if (!validated.ok) throw new StoreDataError(validated.problems);
        return validated.value;
      })();
      this.neighbourhoods.set(partnerId, found);
      found.catch(() => this.neighbourhoods.delete(partnerId));
    }
    const data = await found;
    return data.dataset.partners.some((p) => p.id === partnerId) ? data : undefined;
  }
}
