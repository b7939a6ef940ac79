/** Shared wording of the terminal views: money, people, names from the program. */
import type { Competency, Option, ProgramVersion, Requirement } from '../../engine/index.js';

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2 });

export function dollars(amount: number): string {
  return usd.format(amount);
}

export function people(count: number): string {
  return `${count} ${count === 1 ? 'person' : 'people'}`;
}

export function findOption(version: ProgramVersion, competency: string, option: string): { competency?: Competency; option?: Option } {
  const c = version.competencies.find((x) => x.id === competency);
  return { competency: c, option: c?.options.find((o) => o.id === option) };
}

export function optionName(version: ProgramVersion, competency: string, option: string): string {
  return findOption(version, competency, option).option?.name.en ?? option;
}

export function levelName(version: ProgramVersion, competency: string, option: string, level: string | null): string {
  if (level === null) return 'no level';
  return findOption(version, competency, option).option?.levels.find((l) => l.id === level)?.name.en ?? level;
}

export function requirementName(version: ProgramVersion, competency: string, option: string, requirement: string): string {
  const found = findOption(version, competency, option)
    .option?.levels.flatMap((l): readonly Requirement[] => l.requirements)
    .find((r) => r.id === requirement);
  return found?.name?.en ?? requirement;
}

/** Borderless table characters for cli-table3. */
export const BORDERLESS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '',
};
