/**
 * The use cases behind every report, the same for the command line and the
 * HTTP API: each takes inputs the edge has already parsed (calendar dates, a
 * partner id, the texts of targets) and data already read and validated
 * (data.ts), chooses the version that judges, runs the engine and returns
 * the result — or a Failure whose problems name the inputs as the caller
 * took them (`--as-of` on the command line, `asOf` in a query), which the
 * edge turns into its own kind of error (exit 2, or a 4xx problem).
 */
import {
  evaluate,
  evaluateLevels,
  forecastPartner,
  planPartner,
  prepareColumns,
  PreparedProgram,
  type VersionedData,
  problem,
  qualificationMatrix,
  SumOutOfRangeError,
  timelineOf,
  ttmWindow,
  type Dataset,
  type DatasetColumns,
  type EvaluationReport,
  type IsoDate,
  type LevelsBatch,
  type PartnerForecast,
  type PartnerPlan,
  type PartnerTimeline,
  type PreparedData,
  type Problem,
  type Program,
  type ProgramVersion,
  type QualificationMatrix,
  type Step,
  type Target,
} from '../engine/index.js';
import { judgingVersion, namedVersion, parseTarget, timelineSteps } from './choices.js';

/** What went wrong, by kind (each edge has its own error per kind), and the problems. */
export interface Failure {
  /** rules: no version for a date; target: a level that is not one; dates: a range that is not one; partner: no such partner; data: the data does not validate. */
  readonly kind: 'rules' | 'target' | 'dates' | 'partner' | 'data';
  readonly problems: readonly Problem[];
  /** The data's name (a file, `store`), for `data` failures. */
  readonly source?: string | undefined;
}

export type Outcome<T> = { readonly ok: true; readonly value: T } | ({ readonly ok: false } & Failure);

const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const failed = (kind: Failure['kind'], problems: readonly Problem[]): { ok: false } & Failure => ({ ok: false, kind, problems });

/**
 * The engine's answer, or a `data` failure when money it adds up for a
 * partner leaves the range of exact cents (docs/rules.md, section 3): the
 * data cannot be judged on that date, as an invalid dataset cannot.
 */
function counted<T>(source: string, compute: () => T): Outcome<T> {
  try {
    return ok(compute());
  } catch (error) {
    if (error instanceof SumOutOfRangeError) return { ok: false, kind: 'data', problems: [error.problem], source };
    throw error;
  }
}

/** How the caller names its inputs, so that a problem points at what the user typed. */
export interface InputNames {
  readonly asOf: string;
  readonly programVersion: string;
  readonly target: string;
  readonly from: string;
  readonly to: string;
  readonly partner: string;
}

/** Validated data and the rules judging it: a file's dataset, or one partner's neighbourhood in the store. */
/**
 * Each dataset's preparation under each version, made once and shared by
 * every report of it: a server answers a partner page's evaluation, plan,
 * forecast, timeline and matrix from one preparation of the partner's
 * neighbourhood. Datasets are never changed once validated, so a dataset
 * object is its own key; a forced version (`--program-version`) is prepared
 * apart, as it judges every date alike.
 */
const preparations = new WeakMap<Dataset, PreparedProgram>();

export function preparedOf(data: JudgedData, forced?: ProgramVersion): PreparedProgram {
  if (forced) return new PreparedProgram(data.program, data.dataset, forced);
  let prepared = preparations.get(data.dataset);
  if (!prepared || prepared.program !== data.program) {
    prepared = new PreparedProgram(data.program, data.dataset);
    preparations.set(data.dataset, prepared);
  }
  return prepared;
}

export interface JudgedData {
  readonly program: Program;
  readonly dataset: Dataset;
  /** Its name in problems: a file's path, or `store`. */
  readonly source: string;
}

/**
 * What the evaluation, forecast and timeline read: data under every version
 * of its program, whatever it was made from — validated records (JudgedData,
 * through `preparedOf`) or a server's live state (whole-store columns kept in
 * memory, app/evaluations.ts) — and which partners it holds.
 */
export interface JudgedVersions {
  readonly program: Program;
  readonly source: string;
  has(partnerId: string): boolean;
  /** Under every version, or judging every date by `forced` (`--program-version`). */
  versions(forced?: ProgramVersion): VersionedData;
}

function judgedVersions(data: JudgedData | JudgedVersions): JudgedVersions {
  if (!('dataset' in data)) return data;
  return {
    program: data.program,
    source: data.source,
    has: (id) => data.dataset.partners.some((p) => p.id === id),
    versions: (forced) => preparedOf(data, forced),
  };
}

/** The whole store as columns and the rules judging it. */
export interface JudgedColumns {
  readonly program: Program;
  readonly columns: DatasetColumns;
  readonly source: string;
}

/** The evaluation date and, when the caller names one, the version to judge by instead of the one in force. */
export interface RulesChoice {
  readonly asOf: IsoDate;
  /** A version, named by the date it takes effect. */
  readonly programVersion?: IsoDate | undefined;
}

/** The version `programVersion` names (none named: undefined). */
export function forcedVersion(
  program: Program,
  programVersion: IsoDate | undefined,
  names: InputNames,
): Outcome<ProgramVersion | undefined> {
  if (programVersion === undefined) return ok(undefined);
  const named = namedVersion(program, programVersion, names.programVersion);
  return named.ok ? named : failed('rules', named.problems);
}

/** The version stating the rules of the choice's date: the one named, or the one in force (a requirement page, say). */
export function rulesOf(program: Program, rules: RulesChoice, names: InputNames): Outcome<ProgramVersion> {
  const forced = forcedVersion(program, rules.programVersion, names);
  return forced.ok ? judging(program, forced.value, rules.asOf, names.asOf, names) : forced;
}

/** The version judging `date` (`dateInput` names it): the forced one, or the one in force. */
function judging(
  program: Program,
  forced: ProgramVersion | undefined,
  date: IsoDate,
  dateInput: string,
  names: InputNames,
): Outcome<ProgramVersion> {
  const version = judgingVersion(program, forced, date, dateInput, names.programVersion);
  return version.ok ? version : failed('rules', version.problems);
}

/** Every id must name a partner of the data. */
function knownPartners(known: (id: string) => boolean, ids: readonly string[], source: string, names: InputNames): Outcome<void> {
  const unknown = ids.filter((id) => !known(id));
  if (unknown.length === 0) return ok(undefined);
  return failed(
    'partner',
    unknown.map((id) => problem(names.partner, '', 'notAPartner', { id, dataset: source })),
  );
}

/** The version judging the choice's date, after the partners are checked: what every single-date report starts with. */
function versionFor(
  data: JudgedData | JudgedVersions,
  partnerIds: readonly string[],
  rules: RulesChoice,
  names: InputNames,
): Outcome<ProgramVersion> {
  const forced = forcedVersion(data.program, rules.programVersion, names);
  if (!forced.ok) return forced;
  const partners = knownPartners((id) => judgedVersions(data).has(id), partnerIds, data.source, names);
  if (!partners.ok) return partners;
  return judging(data.program, forced.value, rules.asOf, names.asOf, names);
}

/** The version judging the choice's date, then the partners: an evaluation says first that a date has no rules. */
function versionThenPartners(
  program: Program,
  known: (id: string) => boolean,
  partnerIds: readonly string[] | undefined,
  source: string,
  rules: RulesChoice,
  names: InputNames,
): Outcome<ProgramVersion> {
  const version = rulesOf(program, rules, names);
  if (!version.ok) return version;
  const partners = knownPartners(known, partnerIds ?? [], source, names);
  return partners.ok ? version : partners;
}

export interface Judged<T> {
  readonly version: ProgramVersion;
  readonly result: T;
}

/** Evaluation of some partners (all when `partnerIds` is absent) of validated data, or of a live state's. */
export function evaluation(
  data: JudgedData | JudgedVersions,
  partnerIds: readonly string[] | undefined,
  rules: RulesChoice,
  names: InputNames,
  options: { readonly evidence?: boolean } = {},
): Outcome<Judged<EvaluationReport>> {
  let known: (id: string) => boolean;
  if ('dataset' in data) {
    const ids = new Set(data.dataset.partners.map((p) => p.id));
    known = (id) => ids.has(id);
  } else known = (id) => data.has(id);
  const version = versionThenPartners(data.program, known, partnerIds, data.source, rules, names);
  if (!version.ok) return version;
  const prepared = judgedVersions(data).versions().of(version.value);
  return counted(data.source, () => ({
    version: version.value,
    result: evaluate(prepared, { asOf: rules.asOf, partnerIds, evidence: options.evidence ?? true }),
  }));
}

/** Evaluation of the whole store (or some of its partners) from columns: no object per revenue line, person or pass. */
export function evaluationOfColumns(
  data: JudgedColumns,
  partnerIds: readonly string[] | undefined,
  rules: RulesChoice,
  names: InputNames,
  options: { readonly evidence?: boolean; readonly prepared?: (version: ProgramVersion) => PreparedData } = {},
): Outcome<Judged<EvaluationReport> & { readonly prepared: PreparedData }> {
  return judgedColumns(data, partnerIds, rules, names, options.prepared, (prepared) =>
    evaluate(prepared, { asOf: rules.asOf, partnerIds, evidence: options.evidence ?? true }),
  );
}

/** Every partner's level of each option with its measures (`evaluateLevels`), from columns: what a list of every partner reads. */
export function levelsOfColumns(
  data: JudgedColumns,
  rules: RulesChoice,
  names: InputNames,
  options: { readonly prepared?: (version: ProgramVersion) => PreparedData } = {},
): Outcome<Judged<LevelsBatch> & { readonly prepared: PreparedData }> {
  return judgedColumns(data, undefined, rules, names, options.prepared, (prepared) => evaluateLevels(prepared, { asOf: rules.asOf }));
}

function judgedColumns<R>(
  data: JudgedColumns,
  partnerIds: readonly string[] | undefined,
  rules: RulesChoice,
  names: InputNames,
  kept: ((version: ProgramVersion) => PreparedData) | undefined,
  judge: (prepared: PreparedData) => R,
): Outcome<Judged<R> & { readonly prepared: PreparedData }> {
  const ids = new Set(data.columns.partners.ids);
  const version = versionThenPartners(data.program, (id) => ids.has(id), partnerIds, data.source, rules, names);
  if (!version.ok) return version;
  // Prepared for this date alone unless a kept preparation is handed in: only the window's revenue is attributed.
  const prepared = kept?.(version.value) ?? prepareColumns(version.value, data.columns, { window: ttmWindow(rules.asOf) });
  return counted(data.source, () => ({ version: version.value, result: judge(prepared), prepared }));
}

/** What it takes to reach the levels named by `targets` (`OPTION/LEVEL` texts; none: the next level of each option). */
export function plan(
  data: JudgedData,
  partnerId: string,
  rules: RulesChoice,
  targets: readonly string[],
  names: InputNames,
): Outcome<Judged<PartnerPlan>> {
  const version = versionFor(data, [partnerId], rules, names);
  if (!version.ok) return version;
  const parsed: Target[] = [];
  for (const text of targets) {
    const target = parseTarget(version.value, text, names.target);
    if (!target.ok) return failed('target', target.problems);
    parsed.push(target.value);
  }
  return counted(data.source, () => ({
    version: version.value,
    result: planPartner(preparedOf(data).of(version.value), partnerId, rules.asOf, parsed.length > 0 ? parsed : undefined),
  }));
}

/** When each attained level lapses, and a projection of the next: across versions, each date judged by its own. */
export function forecast(
  data: JudgedData | JudgedVersions,
  partnerId: string,
  rules: RulesChoice,
  names: InputNames,
): Outcome<PartnerForecast> {
  const judged = judgedVersions(data);
  const version = versionFor(judged, [partnerId], rules, names);
  if (!version.ok) return version;
  const forced = rules.programVersion === undefined ? undefined : version.value;
  return counted(data.source, () => forecastPartner(judged.versions(forced), partnerId, rules.asOf));
}

/** Who counts for each people requirement, who is one exam away, and what each person still needs. */
export function qualifications(
  data: JudgedData,
  partnerId: string,
  rules: RulesChoice,
  names: InputNames,
): Outcome<Judged<QualificationMatrix>> {
  const version = versionFor(data, [partnerId], rules, names);
  if (!version.ok) return version;
  return ok({ version: version.value, result: qualificationMatrix(preparedOf(data).of(version.value), partnerId, rules.asOf) });
}

/** The dates of a timeline, checked before any data is read (a range backwards or too long is the caller's mistake). */
export interface TimelineRange {
  readonly from: IsoDate;
  readonly to: IsoDate;
  readonly step: Step;
}

/** The range's two dates parsed together, so that both are reported when both are wrong. */
export function timelineRange(from: string, to: string, step: Step, names: InputNames): Outcome<TimelineRange> {
  const range = timelineSteps(from, to, step, { from: names.from, to: names.to });
  return range.ok ? ok({ from: range.value.from, to: range.value.to, step }) : failed('dates', range.problems);
}

/** Levels and measures at every step of the range, each date judged by the version in force on it (or the one named). */
export function timeline(
  data: JudgedData | JudgedVersions,
  partnerId: string,
  range: TimelineRange,
  programVersion: IsoDate | undefined,
  names: InputNames,
): Outcome<PartnerTimeline> {
  const judged = judgedVersions(data);
  // The first date has a version, then every later one has too.
  const version = versionFor(judged, [partnerId], { asOf: range.from, programVersion }, { ...names, asOf: names.from });
  if (!version.ok) return version;
  const forced = programVersion === undefined ? undefined : version.value;
  return counted(data.source, () => timelineOf(judged.versions(forced), partnerId, range.from, range.to, range.step));
}
