/**
 * A partner's score under the scored programs (PCI, PCS; docs/rules.md §15),
 * for the command line (`attain score`) and the API
 * (`GET /api/v1/partners/{id}/score`) alike: the same version choice, the
 * same report, window and outlook, and the same JSON (`scoreAnswer`); and
 * the scored versions as the API lists them (`scoredVersionSummaries`).
 *
 * A store's scoring records are read per partner (`StoredScores`): the
 * partner's neighbourhood, validated and prepared once per store state (keyed
 * by the store's stamp, as the live state of the threshold evaluations is):
 * its scorer (`scorerOf`: one index for every version) and its index of
 * records (`scoringNeighbourhoods`). A request then costs the partner's own
 * records: its month and window through the scorer's indexes, its outlook
 * from its neighbourhood held at the month (`heldAt`).
 */
import {
  addDaysToDate,
  addRational,
  enrolmentJson,
  heldAt,
  keyedRecordLabel,
  jsonPoints,
  lastDayOf,
  noScoredVersionProblem,
  parseRational,
  preparerOf,
  problem,
  qualifiedMonths,
  qualificationWindow,
  rational,
  scoredVersionOn,
  scoreOutlookBy,
  scorerOf,
  scoreReportJson,
  scoringNeighbourhoods,
  statusOn,
  toDecimalText,
  validatedScoring,
  type Enrolment,
  type IsoDate,
  type MonthIndex,
  type Rational,
  type Outlook,
  type Problem,
  type Preparer,
  type ScoredVersionDefinition,
  type ScoreReport,
  type Scorer,
  type ScoringDataset,
  type ScoringNeighbourhoods,
  type ScoringRecords,
  type StatusReport,
  type WindowResult,
} from '../engine/index.js';
import type { Outcome } from './reports.js';

/** What the problems of a score name: the inputs of the shell asking (flags, or query parameters), and the data's name. */
export interface ScoreInputNames {
  readonly month: string;
  readonly programVersion: string;
  readonly partner: string;
  /** The records' name (a file, `store`). */
  readonly dataset: string;
}

export interface ScoreOptions {
  /** The effective date of the version to score by, instead of the one in force at the month's end. */
  readonly programVersion?: string | undefined;
  /** Months ahead to score with nothing new: when the band is lost. */
  readonly outlook?: number | undefined;
}

/**
 * A scoring dataset with what scores it, built once: its index for every version (`prepare`, shared by the
 * scorer and the scored plan), its scorer and its index of records by partner.
 */
export interface PreparedScores {
  readonly data: ScoringDataset;
  readonly prepare: Preparer;
  readonly scorer: Scorer;
  readonly neighbourhoods: ScoringNeighbourhoods;
}

export function prepareScores(data: ScoringDataset): PreparedScores {
  const prepare = preparerOf(data);
  return { data, prepare, scorer: scorerOf(data, prepare), neighbourhoods: scoringNeighbourhoods(data) };
}

/** A partner's score: the version that judged, its report, the qualification window and, when asked, the outlook. */
export interface ScoreResult {
  readonly version: ScoredVersionDefinition;
  readonly report: ScoreReport;
  readonly window: WindowResult | undefined;
  readonly outlook?: Outlook | undefined;
  /** PCS (a version with statuses): the status on the month's last day, and the enrolment it read (the partner's `enrolments` record, else none). */
  readonly status?: ScoreStatus | undefined;
}

export interface ScoreStatus {
  readonly report: StatusReport;
  readonly enrolment: Enrolment;
}

/** The version in force on the date, or the one `forced` names; a `rules` failure naming the input otherwise. */
export function chooseScored(
  versions: readonly ScoredVersionDefinition[],
  date: IsoDate,
  forced: string | undefined,
  names: Pick<ScoreInputNames, 'month' | 'programVersion'>,
): Outcome<ScoredVersionDefinition> {
  const version = forced === undefined ? scoredVersionOn(versions, date) : versions.find((v) => v.effectiveFrom === forced);
  if (version) return { ok: true, value: version };
  const dates = versions.map((v) => v.effectiveFrom).join(', ');
  return {
    ok: false,
    kind: 'rules',
    problems: [
      forced === undefined
        ? // The way out is named as the shell asking names it (`--program-version`, `programVersion`).
          noScoredVersionProblem(versions, date, names.month, names.programVersion)
        : problem(names.programVersion, '', 'notAVersion', { value: forced, program: versions[0]?.id ?? '', dates }),
    ],
  };
}

/** The scorer, giving the report already made for this version, partner and month instead of scoring it again. */
function reusing(score: Scorer, version: ScoredVersionDefinition, partnerId: string, month: MonthIndex, report: ScoreReport): Scorer {
  return (v, p, m) => (v === version && p === partnerId && m === month ? report : score(v, p, m));
}

/** Scores a partner as of month M: a `partner` failure when the records have no such partner, `rules` when no version judges. */
export function scoreOf(
  versions: readonly ScoredVersionDefinition[],
  scores: ScoringDataset | PreparedScores,
  partnerId: string,
  month: MonthIndex,
  options: ScoreOptions,
  names: ScoreInputNames,
): Outcome<ScoreResult> {
  const prepared = 'scorer' in scores ? scores : prepareScores(scores);
  if (!prepared.data.partners.has(partnerId))
    return { ok: false, kind: 'partner', problems: [problem(names.partner, '', 'notAPartner', { id: partnerId, dataset: names.dataset })] };
  const chosen = chooseScored(versions, lastDayOf(month), options.programVersion, names);
  if (!chosen.ok) return chosen;
  const version = chosen.value;
  const report = prepared.scorer(version, partnerId, month);
  const window = qualificationWindow(
    versions,
    prepared.data,
    partnerId,
    month,
    reusing(prepared.scorer, version, partnerId, month, report),
  );
  let outlook: Outlook | undefined;
  if (options.outlook !== undefined) {
    // Held at M from the partner's own records: what scores it, at the cost of its records only.
    const own = prepared.neighbourhoods(partnerId)!;
    outlook = scoreOutlookBy(versions, scorerOf(heldAt(own, month, options.outlook)), partnerId, month, options.outlook);
  }
  return { ok: true, value: { version, report, window, outlook, status: statusOf(versions, prepared, version, partnerId, month) } };
}

/** The status on the month's last day by the version's statuses (docs/rules.md §15.6); undefined for a version without them (PCI). */
function statusOf(
  versions: readonly ScoredVersionDefinition[],
  prepared: PreparedScores,
  version: ScoredVersionDefinition,
  partnerId: string,
  month: MonthIndex,
): ScoreStatus | undefined {
  if (!version.statuses) return undefined;
  const enrolment = prepared.data.enrolments.get(partnerId) ?? { kind: 'none' };
  const context = {
    rules: version.statuses,
    windowRule: version.qualificationWindow,
    qualifiedAt: qualifiedMonths(versions, prepared.scorer, partnerId),
  };
  return { report: statusOn(context, enrolment, lastDayOf(month)), enrolment };
}

/** The JSON of a score, as `attain score --format json` prints it and the API answers it. */
export function scoreJson(result: ScoreResult) {
  const { report, window, outlook } = result;
  const ahead = outlook && {
    months: outlook.months.map((m) => ({
      month: m.month,
      version: m.version,
      band: m.band,
      totals: scoreReportJson(m.report).paths.map((p) => ({ path: p.id, total: p.total })),
    })),
    firstDrop: outlook.firstDrop,
  };
  const status = result.status ? { ...result.status.report, enrolment: enrolmentJson(result.status.enrolment) } : null;
  return { ...scoreReportJson(report), qualificationWindow: window ?? null, ...(ahead ? { outlook: ahead } : {}), status };
}

export type ScoreAnswer = ReturnType<typeof scoreJson>;

/** A partner's score as JSON (scoreOf, then scoreJson). */
export function scoreAnswer(
  versions: readonly ScoredVersionDefinition[],
  scores: ScoringDataset | PreparedScores,
  partnerId: string,
  month: MonthIndex,
  options: ScoreOptions,
  names: ScoreInputNames,
): Outcome<ScoreAnswer> {
  const scored = scoreOf(versions, scores, partnerId, month, options, names);
  return scored.ok ? { ok: true, value: scoreJson(scored.value) } : scored;
}

/** A decimal of a definition, exactly. */
function exact(value: number | string): Rational {
  const r = parseRational(String(value));
  if (r === undefined) throw new RangeError(`not a decimal: ${value}`);
  return r;
}

/** One scored version as the API lists it; `next` is the version after it, if any. */
function versionSummary(version: ScoredVersionDefinition, next: ScoredVersionDefinition | undefined) {
  const decimalText = (value: number | string): string => toDecimalText(exact(value), 4);
  return {
    id: version.id,
    name: version.name,
    kind: version.statuses ? ('PCS' as const) : ('PCI' as const),
    effectiveFrom: version.effectiveFrom,
    effectiveTo: version.endsOn ?? (next ? addDaysToDate(next.effectiveFrom, -1) : null),
    segmentation: version.segmentation.kind,
    segments: version.segments.map((segment) => ({ id: segment.id, name: segment.name })),
    paths: version.paths.map((p) => ({
      id: p.id,
      name: p.name,
      maxPoints: jsonPoints(p.metrics.reduce((total, m) => addRational(total, exact(m.points.max)), rational(0))),
      metrics: p.metrics.map((m) => ({ id: m.id, name: m.name, kind: m.kind, maxPoints: jsonPoints(exact(m.points.max)) })),
    })),
    bands: version.bands.map((b) => ({ id: b.id, name: b.name, from: decimalText(b.from) })),
    minimumPerMetric: version.minimumPerMetric
      ? { points: decimalText(version.minimumPerMetric.points), strict: version.minimumPerMetric.strict }
      : null,
    qualificationWindow: version.qualificationWindow
      ? { effectiveFrom: version.qualificationWindow.effectiveFrom, months: version.qualificationWindow.months }
      : null,
  };
}

/** The scored versions as the API lists them: kind, dates, paths with their metrics' maximum points, bands (exact decimals). */
export function scoredVersionSummaries(versions: readonly ScoredVersionDefinition[]) {
  return versions.map((v, i) => versionSummary(v, versions[i + 1]));
}

/** What the store gives the scores: a partner's scoring neighbourhood, and its stamp (what changes with every import). */
export interface ScoringStorePort {
  scoringNeighbourhood(partnerId: string): Promise<ScoringRecords>;
  readonly queries: { stamp(): Promise<string> };
}

/** How many partners' prepared neighbourhoods are kept for one store state: those asked for last. */
const KEPT_PARTNERS = 256;

/**
 * A partner's scoring records as the store holds them, validated and prepared
 * per store state: the partner's neighbourhood (the records its score, plan,
 * outlook and status read, and no other), so a request costs the partner's
 * own records whatever the store's size, never the whole store's. Every read
 * compares the store's stamp (one small query) with the state's; an import
 * (or a program load) that changed it empties what was kept. Concurrent reads
 * of one partner share its loading.
 *
 * Each neighbourhood is validated as a records file: a partner whose records
 * do not validate (written behind the store's back, or under another scored
 * definition) gets a `data` failure naming its records by their keys, while
 * the others are scored.
 */
export class StoredScores {
  private stamp: string | undefined;
  private readonly kept = new Map<string, Promise<Outcome<PreparedScores>>>();
  private versions_: readonly ScoredVersionDefinition[] | undefined;

  constructor(
    private readonly store: ScoringStorePort,
    private readonly readVersions: () => readonly ScoredVersionDefinition[],
  ) {}

  /** The scored versions (read once). */
  versions(): readonly ScoredVersionDefinition[] {
    return (this.versions_ ??= this.readVersions());
  }

  /** The partner's neighbourhood prepared for scoring (without the partner when the store has none), or a `data` failure (source `store`). */
  async of(partnerId: string): Promise<Outcome<PreparedScores>> {
    // The stamp is read before the records: an import committing in between is in them, and caught up again next time.
    const stamp = await this.store.queries.stamp();
    if (this.stamp !== stamp) {
      this.stamp = stamp;
      this.kept.clear();
    }
    let scores = this.kept.get(partnerId);
    if (scores) this.kept.delete(partnerId);
    else {
      const loading = this.load(partnerId);
      scores = loading;
      // A failed read (the connection) is not kept: the next read tries again.
      loading.catch(() => {
        if (this.kept.get(partnerId) === loading) this.kept.delete(partnerId);
      });
    }
    // Last asked, last out: a map keeps insertion order, so its first key is the one asked for longest ago.
    this.kept.set(partnerId, scores);
    if (this.kept.size > KEPT_PARTNERS) this.kept.delete(this.kept.keys().next().value!);
    return scores;
  }

  private async load(partnerId: string): Promise<Outcome<PreparedScores>> {
    const records = await this.store.scoringNeighbourhood(partnerId);
    const validated = validatedScoring(records, this.versions(), keyedRecordLabel(records));
    if (!validated.ok) return { ok: false, kind: 'data', source: 'store', problems: validated.problems };
    return { ok: true, value: prepareScores(validated.dataset) };
  }
}

/** A partner's score for a month as `attain evaluate --scored` lists it: the report and the qualification window. */
export interface ScoredPartner {
  readonly report: ScoreReport;
  readonly window: WindowResult | undefined;
}

/**
 * Each partner scored for the month, one scorer for all (the dataset's index built once for every version; `score`,
 * when the dataset's partners are scored in several calls).
 */
export function scoreEach(
  versions: readonly ScoredVersionDefinition[],
  data: ScoringDataset,
  ids: readonly string[],
  version: ScoredVersionDefinition,
  month: MonthIndex,
  score: Scorer = scorerOf(data),
): ScoredPartner[] {
  return ids.map((id) => {
    const report = score(version, id, month);
    return { report, window: qualificationWindow(versions, data, id, month, reusing(score, version, id, month, report)) };
  });
}

/** What scoring every stored partner needs of the store: their neighbourhoods, a chunk of partners at a time, on one snapshot. */
export interface ScoringChunksPort {
  eachScoringNeighbourhood(
    size: number,
    fn: (partnerIds: readonly string[], records: ScoringRecords) => void | Promise<void>,
  ): Promise<void>;
}

/** How many partners' neighbourhoods are read, validated and scored at once when every stored partner is scored. */
export const STORE_CHUNK = 1000;
/** Partners scored between two turns of the event loop, in which the next chunk's read moves on. */
const SCORE_SLICE = 25;

/**
 * Every partner the store holds (in id order), scored for the month from their neighbourhoods a chunk of partners
 * at a time: the memory of a chunk, not of the store, and the scores the whole store gives. Each chunk is
 * validated as a records file; any problem and no score is given, but a `data` failure (source `store`) with the
 * problems of every chunk, each once, naming records by their keys.
 */
export async function scoreStoredPartners(
  store: ScoringChunksPort,
  versions: readonly ScoredVersionDefinition[],
  version: ScoredVersionDefinition,
  month: MonthIndex,
  chunk = STORE_CHUNK,
  slice = SCORE_SLICE,
): Promise<Outcome<ScoredPartner[]>> {
  const scored: ScoredPartner[] = [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  await store.eachScoringNeighbourhood(chunk, async (ids, records) => {
    const validated = validatedScoring(records, versions, keyedRecordLabel(records));
    if (validated.ok) {
      // Scored a slice of partners at a time, letting the next chunk's read go on between slices.
      const score = scorerOf(validated.dataset);
      for (let i = 0; i < ids.length && problems.length === 0; i += slice) {
        scored.push(...scoreEach(versions, validated.dataset, ids.slice(i, i + slice), version, month, score));
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      return;
    }
    // A record in the neighbourhoods of two chunks is named once.
    for (const p of validated.problems) {
      const key = JSON.stringify(p);
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push(p);
    }
  });
  return problems.length > 0 ? { ok: false, kind: 'data', source: 'store', problems } : { ok: true, value: scored };
}
