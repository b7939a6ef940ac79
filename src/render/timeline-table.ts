/** The table and CSV views of a timeline: one row per date, option and requirement. CSV stays locale-neutral, like JSON. */
import Table from 'cli-table3';
import { stringifyCsv } from './csv.js';
import { versionFrom, type IsoDate, type PartnerTimeline, type Program } from '../engine/index.js';
import type { Translator } from '../i18n/index.js';
import { BORDERLESS, indent, lastPublishedLine, names, quantity, TABLE_STYLE } from './format.js';

function levelsOf(timeline: PartnerTimeline): string[] {
  return [...new Set(timeline.points.flatMap((p) => p.options.flatMap((o) => o.requirements.flatMap((r) => Object.keys(r.required)))))];
}

export function renderTimelineCsv(timeline: PartnerTimeline): string {
  const levels = levelsOf(timeline);
  const body = timeline.points.flatMap((point) =>
    point.options.flatMap((o) =>
      o.requirements.map((r) => [
        point.date,
        point.programVersion,
        o.option,
        o.level ?? '',
        r.id,
        r.kind,
        r.actual,
        ...levels.map((l) => r.required[l] ?? ''),
      ]),
    ),
  );
  return stringifyCsv([
    ['date', 'programVersion', 'option', 'level', 'requirement', 'kind', 'actual', ...levels.map((l) => `required_${l}`)],
    ...body,
  ]);
}

export function renderTimelineTable(timeline: PartnerTimeline, program: Program, tr: Translator): string {
  const levels = levelsOf(timeline);
  // Each row is named as the version judging its date names things: a range may cross a revision.
  const namesAt = (version: IsoDate) => names(versionFrom(program, version) ?? program.versions.at(-1)!, tr);
  const name = namesAt(timeline.points.at(-1)?.programVersion ?? program.versions.at(-1)!.effectiveFrom);
  const table = new Table({
    head: [
      tr.t('cli.timeline.column.date'),
      tr.t('cli.timeline.column.version'),
      tr.t('cli.timeline.column.option'),
      tr.t('cli.timeline.column.level'),
      tr.t('cli.timeline.column.requirement'),
      tr.t('cli.timeline.column.actual'),
      ...levels.map((l) => tr.t('cli.timeline.column.required', { level: name.anyLevel(l) })),
    ],
    chars: BORDERLESS,
    style: TABLE_STYLE,
  });
  for (const point of timeline.points) {
    const named = namesAt(point.programVersion);
    // `requirement/alternative` ids name an alternative of an any-of requirement.
    const seriesName = (competency: string, option: string, id: string) => {
      const [requirement = id, alternative] = id.split('/');
      return alternative
        ? named.alternative(competency, option, requirement, alternative)
        : named.requirement(competency, option, requirement);
    };
    for (const o of point.options) {
      const competency = o.competency;
      for (const r of o.requirements) {
        table.push([
          tr.date(point.date),
          tr.date(point.programVersion),
          named.option(competency, o.option),
          named.level(competency, o.option, o.level),
          seriesName(competency, o.option, r.id),
          quantity(tr, r.kind, r.actual),
          ...levels.map((l) => (r.required[l] === undefined ? '' : quantity(tr, r.kind, r.required[l]!))),
        ]);
      }
    }
  }
  const header = tr.t('cli.timeline.header', {
    partnerId: timeline.partnerId,
    from: tr.date(timeline.from),
    to: tr.date(timeline.to),
    step: timeline.step,
  });
  // From the first point judged by rules that are the last published, a line says so.
  const last = timeline.points.find((p) => p.publicationEnded !== undefined);
  const notice = last ? lastPublishedLine(last, tr) : [];
  return `${[header, ...notice].join('\n')}\n${indent(table.toString(), '')}\n`;
}
