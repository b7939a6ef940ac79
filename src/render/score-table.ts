/** The table of a scored evaluation: per path, each metric's value, full points, points and the next point's cost. */
import Table from 'cli-table3';
import {
  toDecimalText,
  type MetricScore,
  type MetricUnit,
  type NextPoint,
  type ScoredVersionDefinition,
  type ScoreReport,
  type WindowResult,
  type Outlook,
  type Rational,
} from '../engine/index.js';
import type { ScoreStatus } from '../app/scores.js';
import type { Translator } from '../i18n/index.js';
import { statusText } from './scored-forecast-table.js';
import { BORDERLESS, indent, TABLE_STYLE } from './format.js';

/** An amount in a metric's unit (cents as dollars, people, customers…), in the reader's words. */
export function amount(tr: Translator, unit: NextPoint['costUnit'], text: string): string {
  const n = Number(text);
  if (unit === 'usd-cents') return tr.usd(n / 100);
  return tr.t('cli.score.quantity', { unit: unit === 'active-users' ? 'activeUsers' : unit, count: n });
}

/** A metric's value or threshold in its unit: a percentage for growth, else an amount. */
export function metricValue(tr: Translator, unit: MetricUnit, text: string): string {
  return unit === 'percent' ? tr.percent(Number(text)) : amount(tr, unit, text);
}

/** Points as the reader reads them: to the hundredth, in the locale's digits. */
export function pointsText(tr: Translator, points: Rational): string {
  return tr.number(Number(toDecimalText(points, 2)));
}

/** A segment's name (market, track) in the version's own words, or its id when the version does not name it. */
export function segmentName(tr: Translator, version: ScoredVersionDefinition, id: string): string {
  const segment = version.segments.find((s) => s.id === id);
  return segment ? tr.text(segment.name) : id;
}

/** A band's name in the version's own words, or "no band". */
export function bandName(tr: Translator, version: ScoredVersionDefinition, id: string | null): string {
  const band = version.bands.find((b) => b.id === id);
  return band ? tr.text(band.name) : tr.t('cli.score.noBand');
}

function cannot(tr: Translator, m: MetricScore): string {
  return tr.t('cli.score.cannotScore', { reason: m.note ?? 'other' });
}

export function renderScoreTable(
  report: ScoreReport,
  version: ScoredVersionDefinition,
  window: WindowResult | undefined,
  tr: Translator,
  outlook?: Outlook,
  status?: ScoreStatus,
): string {
  const bandOf = (id: string | null): string => bandName(tr, version, id);
  const lines = [
    tr.t('cli.score.header', {
      partnerId: report.partnerId,
      month: report.month,
      segment: segmentName(tr, version, report.segment),
      version: tr.date(report.version),
    }),
    tr.t('cli.score.band', { band: bandOf(report.band) }),
  ];
  if (window && window.from !== window.to)
    lines.push(tr.t('cli.score.window', { from: window.from, to: window.to, band: bandOf(window.band) }));
  if (status) {
    const { report: s, enrolment } = status;
    lines.push(
      tr.t('cli.score.status', {
        date: tr.date(s.date),
        status: statusText(tr, s.status),
        window: s.window.kind,
        from: tr.date(s.window.from),
        to: tr.date(s.window.to),
        anniversary: s.anniversary === null ? 'none' : tr.date(s.anniversary),
        enrolment: tr.t('cli.scoredForecast.enrolment', {
          kind: enrolment.kind,
          date: enrolment.kind === 'enrolled' ? tr.date(enrolment.date) : '',
        }),
      }),
    );
  }
  if (outlook && report.band !== null) {
    const drop = outlook.firstDrop;
    lines.push(
      drop
        ? tr.t('cli.score.outlookDrops', { band: bandOf(report.band), month: drop.month, then: bandOf(drop.to) })
        : tr.t('cli.score.outlookHolds', { band: bandOf(report.band), count: outlook.months.length - 1 }),
    );
  }
  for (const path of report.paths) {
    const definition = version.paths.find((p) => p.id === path.id)!;
    const max = path.metrics.reduce((s, m) => s + Number(toDecimalText(m.max, 4)), 0);
    lines.push('');
    lines.push(
      tr.t('cli.score.path', {
        path: tr.text(definition.name),
        total: pointsText(tr, path.total),
        max: tr.number(max),
        band: bandOf(path.band),
      }),
    );
    const table = new Table({
      head: [
        tr.t('cli.score.column.metric'),
        tr.t('cli.score.column.value'),
        tr.t('cli.score.column.full'),
        tr.t('cli.score.column.points'),
        tr.t('cli.score.column.next'),
      ],
      chars: BORDERLESS,
      style: TABLE_STYLE,
    });
    for (const m of path.metrics) {
      const name = definition.metrics.find((d) => d.id === m.id)!.name;
      const unit = m.unit;
      table.push([
        // A metric judged in another market than the partner's header says (PCI 2021-03-26: partner or customer location).
        m.segment === undefined
          ? tr.text(name)
          : tr.t('cli.score.metricSegment', { metric: tr.text(name), segment: segmentName(tr, version, m.segment) }),
        metricValue(tr, unit, m.value),
        m.full === null ? cannot(tr, m) : metricValue(tr, unit, m.full),
        tr.t('cli.score.points', {
          points: pointsText(tr, m.points),
          max: pointsText(tr, m.max),
        }),
        m.next
          ? tr.t('cli.score.more', { amount: amount(tr, m.next.costUnit, m.next.more), points: Number(m.next.points) })
          : m.full === null
            ? ''
            : tr.t('cli.score.atMaximum'),
      ]);
    }
    lines.push(indent(table.toString(), '  '));
    if (path.belowMinimum.length > 0) {
      const names = path.belowMinimum.map((id) => tr.text(definition.metrics.find((d) => d.id === id)!.name));
      lines.push(`  ${tr.t('cli.score.belowMinimum', { metrics: tr.list(names) })}`);
    }
    if (path.nextBand) {
      lines.push(
        `  ${tr.t('cli.score.nextBand', { band: bandOf(path.nextBand.id), points: Number(toDecimalText(path.nextBand.pointsNeeded, 2)) })}`,
      );
      if (path.routes.length > 0) lines.push(`  ${tr.t('cli.score.routes')}`);
      for (const r of path.routes) {
        const name = definition.metrics.find((d) => d.id === r.metric)!.name;
        lines.push(`    ${tr.t('cli.score.route', { metric: tr.text(name), amount: amount(tr, r.costUnit, r.more) })}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
