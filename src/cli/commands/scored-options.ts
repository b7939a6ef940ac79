/**
 * `--scored [folder]` and the flags that come with it, read and refused the
 * same way by every command that takes them (evaluate, forecast, timeline,
 * generate, docs, score): exit 2 naming the flag.
 */
import { isMonth, monthIndex, problem, type MonthIndex, type ScoredVersionDefinition, type ScoringDataset } from '../../engine/index.js';
import { UsageError } from '../usage-error.js';
import type { StoreFlags } from '../inputs.js';
import type { CliIo } from '../io.js';
import { loadScoringInput } from './score.js';

/** What `--scored [folder]` leaves in the options: absent, given alone, or given a folder. */
export type ScoredOption = boolean | string | undefined;

export const isScored = (scored: ScoredOption): boolean => scored !== undefined && scored !== false;

/** The folder `--scored` names; undefined for the bundled scored definition. */
export const scoredFolder = (scored: ScoredOption): string | undefined => (typeof scored === 'string' ? scored : undefined);

/** Flags given (not undefined) that mean nothing without `requires`: refused, the first one named. */
export function refuseWithout(given: readonly (readonly [unknown, string])[], requires: string): void {
  for (const [value, flag] of given)
    if (value !== undefined) throw new UsageError([problem(flag, '', 'optionNeedsOption', { option: flag, requires })]);
}

/** Flags given (not undefined) that mean nothing beside `other`: refused rather than ignored, the first one named. */
export function refuseWith(given: readonly (readonly [unknown, string])[], other: string): void {
  for (const [value, flag] of given)
    if (value !== undefined) throw new UsageError([problem(flag, '', 'optionsExclusive', { option: flag, other })]);
}

/** The evaluation month M a scored command needs (`--month YYYY-MM`): refused when missing or not a month. */
export function scoredMonth(month: string | undefined): MonthIndex {
  if (month === undefined)
    throw new UsageError([problem('--scored', '', 'optionNeedsOption', { option: '--scored', requires: '--month' })]);
  if (!isMonth(month)) throw new UsageError([problem('--month', '', 'notMonth', { subject: '--month', value: JSON.stringify(month) })]);
  return monthIndex(month);
}

/**
 * The scoring records of a file, or of the store when no file is named (`attain import --scored` fills it):
 * there, only the neighbourhood of `partner` (what scores it); validated against the scored definition `--scored`
 * names (or the bundled one); `source` names where they came from.
 */
export function loadScoredInput(
  given: string | undefined,
  scored: ScoredOption,
  flags: StoreFlags,
  io: CliIo,
  partner: string,
): Promise<{ versions: readonly ScoredVersionDefinition[]; data: ScoringDataset; source: string }> {
  return loadScoringInput(given, scoredFolder(scored), flags, io, [partner]);
}

/** Each partner named must be in the records; a usage error naming `--partner` and the file otherwise. */
export function requirePartners(data: ScoringDataset, partners: readonly string[], path: string): void {
  for (const id of partners)
    if (!data.partners.has(id)) throw new UsageError([problem('--partner', '', 'notAPartner', { id, dataset: path })]);
}
