/**
 * Choices about the rules that every shell makes the same way — the command
 * line from its flags, the HTTP API from its query — each answering with a
 * problem that names the input (`--as-of` or `asOf`) when the choice is not
 * possible: which version judges a date, which version a date names, which
 * level a target names, which program an import checks its data with.
 */
import {
  asIsoDate,
  problem,
  stepDates,
  versionFrom,
  versionInEffect,
  type Problem,
  type Program,
  type ProgramVersion,
  type Result,
  type IsoDate,
  type Step,
  type Target,
} from '../engine/index.js';
import type { ProgramToKeep } from '../store/store.js';
import type { DefinitionsPort, StorePort } from './ports.js';

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = <T>(p: Problem): Result<T> => ({ ok: false, problems: [p] });

function versionDates(program: Program): string {
  return program.versions.map((v) => v.effectiveFrom).join(', ');
}

/** The version taking effect on `date` (`--program-version`, `programVersion`), `input` naming where the date came from. */
export function namedVersion(program: Program, date: IsoDate, input: string): Result<ProgramVersion> {
  const version = versionFrom(program, date);
  return version
    ? ok(version)
    : fail(problem(input, '', 'notAVersion', { value: date, program: program.id, dates: versionDates(program) }));
}

/**
 * The version judging `date`: the forced one, or the one in force. Before
 * the first version there is none: the problem names `input` (the date's
 * flag or parameter) and `forceWith`, what would name a version anyway.
 */
export function judgingVersion(
  program: Program,
  forced: ProgramVersion | undefined,
  date: IsoDate,
  input: string,
  forceWith: string,
): Result<ProgramVersion> {
  const version = forced ?? versionInEffect(program, date);
  if (version) return ok(version);
  return fail(problem(input, '', 'beforeFirstVersion', { date, program: program.id, dates: versionDates(program), flag: forceWith }));
}

/** `OPTION/LEVEL`, or `COMPETENCY/OPTION/LEVEL` when an option id is not unique, among the version's levels. */
export function parseTarget(version: ProgramVersion, text: string, input: string): Result<Target> {
  const parts = text.split('/');
  const all = version.competencies.flatMap((c) =>
    c.options.flatMap((o) => o.levels.map((l) => ({ competency: c.id, option: o.id, level: l.id }))),
  );
  const matches = all.filter((t) =>
    parts.length === 3
      ? t.competency === parts[0] && t.option === parts[1] && t.level === parts[2]
      : parts.length === 2 && t.option === parts[0] && t.level === parts[1],
  );
  if (matches.length === 1) return ok(matches[0]!);
  const known = all.map((t) => `${t.option}/${t.level}`).join(', ');
  return fail(problem(input, '', matches.length === 0 ? 'notALevel' : 'ambiguousLevel', { target: text, levels: known }));
}

/**
 * The program an import validates with: the definition at `path` if one is
 * named, else the store's. A store that keeps no program yet is to keep the
 * one used (the bundled definition by default), in the import's transaction,
 * so that it knows the rules its data was checked against.
 */
export async function programForImport(
  store: Pick<StorePort, 'program' | 'programVersions'>,
  definitions: DefinitionsPort,
  path: string | undefined,
): Promise<{ readonly program: Program; readonly keep?: ProgramToKeep | undefined }> {
  const named = path === undefined ? undefined : definitions.read(path);
  if ((await store.programVersions()).length > 0) return { program: named?.program ?? (await store.program())! };
  const read = named ?? definitions.read();
  return { program: read.program, keep: { definitions: read.definitions, source: definitions.source(path) } };
}

/** Enough for ten years of weeks; more is a mistake in the dates, not a chart. */
export const MAX_TIMELINE_POINTS = 600;

/**
 * The dates of a timeline from `from` to `to`, checked: both calendar dates,
 * `to` not before `from`, at most MAX_TIMELINE_POINTS of them. `inputs`
 * names the two dates as the caller took them (`--from`, or `from`).
 */
export function timelineSteps(
  from: string,
  to: string,
  step: Step,
  inputs: { readonly from: string; readonly to: string },
): Result<{ readonly from: IsoDate; readonly to: IsoDate; readonly dates: readonly IsoDate[] }> {
  const first = asIsoDate(from);
  const last = asIsoDate(to);
  const problems = (['from', 'to'] as const)
    .filter((which) => (which === 'from' ? first : last) === undefined)
    .map((which) => problem(inputs[which], '', 'flagNotCalendarDate', { value: which === 'from' ? from : to }));
  if (first !== undefined && last !== undefined && last < first) {
    problems.push(problem(inputs.to, '', 'toBeforeFrom', { to, flag: inputs.from, from }));
  }
  if (problems.length > 0 || first === undefined || last === undefined) return { ok: false, problems };
  const dates = stepDates(first, last, step);
  if (dates.length > MAX_TIMELINE_POINTS) {
    return fail(problem(inputs.to, '', 'tooManySteps', { count: String(dates.length), from, max: String(MAX_TIMELINE_POINTS) }));
  }
  return ok({ from: first, to: last, dates });
}
