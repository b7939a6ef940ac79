/** The views of `attain program`: what a load changed, and the versions a store keeps. */
import Table from 'cli-table3';
import type { Translator } from '../i18n/index.js';
import type { ProgramSaveReport, StoredProgramVersion } from '../store/programs.js';
import { BORDERLESS, indent, TABLE_STYLE } from './format.js';

export function renderProgramSave(report: ProgramSaveReport, tr: Translator): string {
  const lines = [
    tr.t('cli.program.loaded', {
      source: report.source,
      program: report.programId,
      added: report.added,
      updated: report.updated,
      unchanged: report.unchanged,
    }),
    ...report.versions.map((v) => `  ${tr.t('cli.program.version', { date: tr.date(v.effectiveFrom), status: v.status })}`),
  ];
  return `${lines.join('\n')}\n`;
}

export function renderProgramVersions(versions: readonly StoredProgramVersion[], tr: Translator): string {
  if (versions.length === 0) return `${tr.t('cli.program.none')}\n`;
  // An instant, in UTC: the same for every reader of a shared store.
  const instant = new Intl.DateTimeFormat(tr.locale, { dateStyle: 'medium', timeStyle: 'long', timeZone: 'UTC' });
  const table = new Table({
    head: [
      tr.t('cli.program.column.program'),
      tr.t('cli.program.column.effectiveFrom'),
      tr.t('cli.program.column.source'),
      tr.t('cli.program.column.loadedAt'),
    ],
    chars: BORDERLESS,
    style: TABLE_STYLE,
  });
  for (const v of versions) table.push([v.programId, tr.date(v.effectiveFrom), v.source, instant.format(new Date(v.loadedAt))]);
  return `${indent(table.toString(), '')}\n`;
}
