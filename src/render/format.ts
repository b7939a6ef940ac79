/** Shared wording of the terminal views: names from the program, in the reader's locale. */
import type { Competency, Dataset, Option, ProgramVersion, Requirement } from '../engine/index.js';
import type { Translator } from '../i18n/index.js';

export function findOption(version: ProgramVersion, competency: string, option: string): { competency?: Competency; option?: Option } {
  const c = version.competencies.find((x) => x.id === competency);
  return { competency: c, option: c?.options.find((o) => o.id === option) };
}

/** Names of the program's things, falling back to ids for what a version does not know. */
export function names(version: ProgramVersion, tr: Translator) {
  return {
    competency: (id: string) => {
      const c = version.competencies.find((x) => x.id === id);
      return c ? tr.text(c.name) : id;
    },
    option: (competency: string, option: string) => {
      const o = findOption(version, competency, option).option;
      return o ? tr.text(o.name) : option;
    },
    level: (competency: string, option: string, level: string | null) => {
      if (level === null) return tr.t('cli.noLevel');
      const l = findOption(version, competency, option).option?.levels.find((x) => x.id === level);
      return l ? tr.text(l.name) : level;
    },
    requirement: (competency: string, option: string, requirement: string) => {
      const found = findOption(version, competency, option)
        .option?.levels.flatMap((l): readonly Requirement[] => l.requirements)
        .find((r) => r.id === requirement);
      return found?.name ? tr.text(found.name) : requirement;
    },
    alternative: (competency: string, option: string, requirement: string, alternative: string) => {
      const found = findOption(version, competency, option)
        .option?.levels.flatMap((l): readonly Requirement[] => l.requirements)
        .find((r) => r.id === requirement);
      const chosen = found?.kind === 'any-of' ? found.alternatives.find((a) => a.id === alternative) : undefined;
      return chosen?.name ? tr.text(chosen.name) : alternative;
    },
    /** A level id's name, from the first option that has it (timelines label columns by level). */
    anyLevel: (level: string) => {
      const l = version.competencies.flatMap((c) => c.options.flatMap((o) => o.levels)).find((x) => x.id === level);
      return l ? tr.text(l.name) : level;
    },
    market: (id: string) => {
      const m = version.markets.find((x) => x.id === id);
      return m ? tr.text(m.name) : id;
    },
  };
}

/** US dollars for revenue, a count of people otherwise. */
export function quantity(tr: Translator, kind: string, value: number): string {
  return kind === 'revenue' ? tr.usd(value) : tr.t('cli.people', { count: value });
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

export const TABLE_STYLE = { head: [], border: [], 'padding-left': 0, 'padding-right': 2 };

/** Table text indented, without trailing blanks. */
export function indent(text: string, by: string): string {
  return text.replace(/ +$/gm, '').replace(/^/gm, by);
}

/** The first line of a partner's report: who, as of when, under which rules (and whether they are the last published). */
export function partnerHeader(
  key: string,
  report: { readonly partnerId: string; readonly asOf: string; readonly programVersion: string; readonly publicationEnded?: string },
  dataset: Dataset,
  tr: Translator,
): string {
  const partner = dataset.partners.find((p) => p.id === report.partnerId);
  const header = tr.t(key, {
    partnerId: report.partnerId,
    name: partner?.name ?? '',
    asOf: tr.date(report.asOf),
    version: tr.date(report.programVersion),
  });
  return [header, ...lastPublishedLine(report, tr)].join('\n');
}

/** When the rules applied are the last their source published: a line saying so, and since when nothing newer was. */
export function lastPublishedLine(
  report: { readonly programVersion: string; readonly publicationEnded?: string },
  tr: Translator,
): string[] {
  return report.publicationEnded === undefined
    ? []
    : [tr.t('cli.lastPublished', { version: tr.date(report.programVersion), since: tr.date(report.publicationEnded) })];
}

/** Items one after the other, joined two at a time by the locale's message `key` (`{first}; {next}`: `; `, ` ; `, `；`). */
export function sequence(tr: Translator, key: string, items: readonly string[]): string {
  return items.length === 0 ? '' : items.reduce((first, next) => tr.t(key, { first, next }));
}
