/** The table of a scored forecast: per month ahead each path's total, the band and the status; then when they fall, and why. */
import Table from 'cli-table3';
import { type PcsStatus, type ScoredForecast, type ScoredVersionDefinition, type StatusReport } from '../engine/index.js';
import type { Translator } from '../i18n/index.js';
import { BORDERLESS, indent, TABLE_STYLE } from './format.js';
import { bandName, metricValue, pointsText } from './score-table.js';

export function statusText(tr: Translator, status: PcsStatus): string {
  // Message selectors are identifiers: `in-progress` is said as `inProgress`.
  return tr.t('cli.scoredForecast.status', { status: status.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()) });
}

function statusCell(tr: Translator, s: StatusReport | null): string {
  if (s === null) return '';
  const text = statusText(tr, s.status);
  return s.anniversary === null ? text : tr.t('cli.scoredForecast.untilAnniversary', { status: text, date: tr.date(s.anniversary) });
}

export function renderScoredForecastTable(forecast: ScoredForecast, versions: readonly ScoredVersionDefinition[], tr: Translator): string {
  const versionOf = (date: string) => versions.find((v) => v.effectiveFrom === date)!;
  // One column per path any month's version scores (PCI has two, PCS one), named by the latest version naming it.
  const paths = new Map<string, string>();
  for (const m of forecast.months) for (const p of versionOf(m.version).paths) paths.set(p.id, tr.text(p.name));
  const table = new Table({
    head: [
      tr.t('cli.scoredForecast.column.month'),
      tr.t('cli.timeline.column.version'),
      ...paths.values(),
      tr.t('cli.scoredForecast.column.band'),
      tr.t('cli.scoredForecast.column.status'),
    ],
    chars: BORDERLESS,
    style: TABLE_STYLE,
  });
  for (const m of forecast.months) {
    const totals = [...paths.keys()].map((id) => {
      const p = m.report.paths.find((x) => x.id === id);
      return p ? pointsText(tr, p.total) : '';
    });
    table.push([m.month, tr.date(m.version), ...totals, bandName(tr, versionOf(m.version), m.band), statusCell(tr, m.status)]);
  }
  const enrolment = forecast.enrolment;
  const lines = [
    tr.t('cli.scoredForecast.header', { partnerId: forecast.partnerId, month: forecast.month, count: forecast.horizon }),
    tr.t('cli.scoredForecast.enrolment', {
      kind: enrolment.kind,
      date: enrolment.kind === 'enrolled' ? tr.date(enrolment.date) : '',
    }),
    indent(table.toString(), '  '),
  ];
  const first = forecast.months[0];
  const lost = forecast.bandLost;
  if (lost) {
    const version = versionOf(forecast.months.find((m) => m.month === lost.month)!.version);
    const start = versionOf(first!.version);
    lines.push(
      tr.t(lost.newVersion ? 'cli.scoredForecast.bandLostNewRules' : 'cli.scoredForecast.bandLost', {
        band: bandName(tr, start, lost.from),
        month: lost.month,
        then: bandName(tr, version, lost.to),
        since: lost.since,
        version: lost.newVersion ? tr.date(lost.newVersion) : '',
      }),
    );
    for (const f of lost.falling) {
      const metric = version.paths.find((p) => p.id === f.path)?.metrics.find((x) => x.id === f.metric);
      lines.push(
        `  ${tr.t('cli.scoredForecast.falls', {
          metric: metric ? tr.text(metric.name) : f.metric,
          before: pointsText(tr, f.before.points),
          after: pointsText(tr, f.after.points),
          valueBefore: metricValue(tr, f.unit, f.before.value),
          valueAfter: metricValue(tr, f.unit, f.after.value),
        })}`,
      );
    }
  } else if (first && first.band !== null) {
    lines.push(
      tr.t('cli.scoredForecast.bandHolds', {
        band: bandName(tr, versionOf(first.version), first.band),
        month: forecast.months.at(-1)!.month,
      }),
    );
  } else if (first) lines.push(tr.t('cli.scoredForecast.noBand', { month: first.month }));
  const fell = forecast.statusFalls;
  if (fell) {
    lines.push(
      tr.t('cli.scoredForecast.statusFalls', {
        date: tr.date(fell.date),
        from: statusText(tr, fell.from),
        to: statusText(tr, fell.to),
        last: fell.lastQualifiedOn === null ? 'none' : tr.date(fell.lastQualifiedOn),
        window: `${tr.date(fell.status.window.from)} – ${tr.date(fell.status.window.to)}`,
      }),
    );
  } else if (first?.status) {
    lines.push(
      tr.t('cli.scoredForecast.statusHolds', { status: statusText(tr, first.status.status), month: forecast.months.at(-1)!.month }),
    );
  }
  if (forecast.unjudged.length > 0)
    lines.push(
      tr.t('cli.scoredForecast.unjudged', { from: forecast.unjudged[0]!, to: forecast.unjudged.at(-1)!, count: forecast.unjudged.length }),
    );
  return `${lines.join('\n')}\n`;
}
