/** The table and CSV views of a timeline across eras: one row per date, saying which version judges it and what it says. */
import Table from 'cli-table3';
import { stringifyCsv } from './csv.js';
import {
  toDecimalText,
  versionFrom,
  type EraPoint,
  type ErasTimeline,
  type IsoDate,
  type Program,
  type ScoredVersionDefinition,
  type Step,
} from '../engine/index.js';
import type { Translator } from '../i18n/index.js';
import { BORDERLESS, indent, names, sequence, TABLE_STYLE } from './format.js';
import { bandName, pointsText } from './score-table.js';
import { statusText } from './scored-forecast-table.js';

/** What a point says, in words: levels of the threshold options, or the scored band, totals and status. */
function cells(point: EraPoint, program: Program, scored: readonly ScoredVersionDefinition[], tr: Translator): [string, string, string] {
  if (point.era === 'none') return ['', '', ''];
  if (point.era === 'threshold') {
    if (point.options === null) return [tr.t('cli.erasTimeline.noThresholdData'), '', ''];
    const named = names(versionFrom(program, point.version as IsoDate) ?? program.versions.at(-1)!, tr);
    const levels = point.options.map((o) =>
      tr.t('cli.erasTimeline.optionLevel', {
        option: named.option(o.competency, o.option),
        level: named.level(o.competency, o.option, o.level),
      }),
    );
    return [sequence(tr, 'cli.erasTimeline.next', levels), '', ''];
  }
  const version = scored.find((v) => v.effectiveFrom === point.version)!;
  const totals = point.paths.map((p) => {
    const path = version.paths.find((x) => x.id === p.id);
    return `${path ? tr.text(path.name) : p.id} ${pointsText(tr, p.total)}`;
  });
  return [
    bandName(tr, version, point.band),
    sequence(tr, 'cli.erasTimeline.next', totals),
    point.status === null ? '' : statusText(tr, point.status.status),
  ];
}

function eraText(point: EraPoint, tr: Translator): string {
  if (point.era !== 'none') return tr.t('cli.erasTimeline.era', { era: point.era });
  return tr.t(point.ended === null ? 'cli.erasTimeline.beforeFirst' : 'cli.erasTimeline.gapEra');
}

export function renderErasTimelineTable(
  timeline: ErasTimeline,
  range: { readonly from: IsoDate; readonly to: IsoDate; readonly step: Step },
  program: Program,
  scored: readonly ScoredVersionDefinition[],
  tr: Translator,
): string {
  const table = new Table({
    head: [
      tr.t('cli.timeline.column.date'),
      tr.t('cli.erasTimeline.column.era'),
      tr.t('cli.timeline.column.version'),
      tr.t('cli.erasTimeline.column.judgement'),
      tr.t('cli.erasTimeline.column.points'),
      tr.t('cli.erasTimeline.column.status'),
    ],
    chars: BORDERLESS,
    style: TABLE_STYLE,
  });
  for (const point of timeline.points) {
    table.push([
      tr.date(point.date),
      eraText(point, tr),
      point.era === 'none' ? '' : tr.date(point.version),
      ...cells(point, program, scored, tr),
    ]);
  }
  const lines = [
    tr.t('cli.erasTimeline.header', {
      partnerId: timeline.partnerId,
      from: tr.date(range.from),
      to: tr.date(range.to),
      step: range.step,
    }),
    ...timeline.gaps.map((g) =>
      g.to === null
        ? tr.t('cli.erasTimeline.gapOpen', { from: tr.date(g.from), version: tr.date(g.version), endsOn: tr.date(g.endsOn) })
        : tr.t('cli.erasTimeline.gap', {
            from: tr.date(g.from),
            to: tr.date(g.to),
            version: tr.date(g.version),
            endsOn: tr.date(g.endsOn),
            next: tr.date(g.next!),
          }),
    ),
    indent(table.toString(), ''),
  ];
  return `${lines.join('\n')}\n`;
}

/** CSV stays locale-neutral, like JSON: ids, codes and exact totals. */
export function renderErasTimelineCsv(timeline: ErasTimeline): string {
  const rows = timeline.points.map((p) => {
    if (p.era === 'none') return [p.date, p.era, '', '', '', '', ''];
    if (p.era === 'threshold')
      return [p.date, p.era, p.version, (p.options ?? []).map((o) => `${o.option}=${o.level ?? ''}`).join(';'), '', '', ''];
    return [
      p.date,
      p.era,
      p.version,
      '',
      p.band ?? '',
      p.paths.map((x) => `${x.id}=${toDecimalText(x.total, 4)}`).join(';'),
      p.status?.status ?? '',
    ];
  });
  return stringifyCsv([['date', 'era', 'programVersion', 'levels', 'band', 'totals', 'status'], ...rows]);
}
