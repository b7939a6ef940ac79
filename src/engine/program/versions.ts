/**
 * A program through time. Requirement pages change about twice a year; a
 * partner is judged by the version in force on the evaluation date.
 */
import type { IsoDate } from '../calendar.js';
import { problem, type Problem } from '../problems.js';
import type { Result } from '../result.js';
import type { AssociationType, Product, Program, ProgramVersion } from './model.js';

/** Puts compiled versions of one program together, oldest first. */
export function assembleProgram(versions: readonly ProgramVersion[]): Result<Program> {
  const problems: Problem[] = [];
  const [first] = versions;
  if (!first) return { ok: false, problems: [problem('definition', 'versions', 'noVersion')] };
  const sorted = [...versions].sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : a.effectiveFrom > b.effectiveFrom ? 1 : 0));
  sorted.forEach((version, i) => {
    const where = `version ${version.effectiveFrom}`;
    if (version.id !== first.id) {
      problems.push(problem(where, 'id', 'idDiffers', { field: 'id', id: version.id, firstId: first.id }));
    }
    // A partner's market must mean the same under every version, or thresholds would be missing.
    const markets = version.markets.map((m) => m.id).join(', ');
    const firstMarkets = first.markets.map((m) => m.id).join(', ');
    if (markets !== firstMarkets) {
      problems.push(problem(where, 'markets', 'marketsDiffer', { field: 'markets', markets, firstMarkets }));
    }
    if (i > 0 && sorted[i - 1]!.effectiveFrom === version.effectiveFrom) {
      problems.push(problem(where, 'effectiveFrom', 'sameEffectiveDate', { date: version.effectiveFrom }));
    }
  });
  if (problems.length > 0) return { ok: false, problems };

  // Any version's catalog entry makes a record valid data; the latest version's wording wins.
  const countries = new Map<string, string>();
  const associationTypes = new Map<string, AssociationType>();
  const products = new Map<string, Product>();
  // When pages disagree on the month an exam became available, the earliest one: a pass no page rules out stays valid.
  const examAvailableFrom = new Map<string, string>();
  for (const version of sorted) {
    for (const [k, v] of version.examAvailableFrom) {
      const known = examAvailableFrom.get(k);
      if (known === undefined || v < known) examAvailableFrom.set(k, v);
    }
    for (const [k, v] of version.countries) countries.set(k, v);
    for (const [k, v] of version.associationTypes) associationTypes.set(k, v);
    for (const [k, v] of version.products) products.set(k, v);
  }
  const latest = sorted.at(-1)!;
  return {
    ok: true,
    value: { id: latest.id, name: latest.name, versions: sorted, countries, associationTypes, products, examAvailableFrom },
  };
}

/** The latest version in effect on the date; undefined before the first one. */
export function versionInEffect(program: Program, asOf: IsoDate): ProgramVersion | undefined {
  return program.versions.filter((v) => v.effectiveFrom <= asOf).at(-1);
}

/**
 * The date from which the version's source published no newer requirements,
 * when that date is not after `asOf`: the version then judges as the last
 * one published, and every report says so.
 */
export function publicationEndedBy(version: ProgramVersion, asOf: IsoDate): IsoDate | undefined {
  const ended = version.publicationEnded?.on;
  return ended !== undefined && ended <= asOf ? ended : undefined;
}

/**
 * The version taking effect on exactly this date. The date a source stopped
 * publishing names the last version it published: those are the rules that
 * judge from then on.
 */
export function versionFrom(program: Program, effectiveFrom: IsoDate): ProgramVersion | undefined {
  return (
    program.versions.find((v) => v.effectiveFrom === effectiveFrom) ??
    program.versions.find((v) => v.publicationEnded?.on === effectiveFrom)
  );
}
