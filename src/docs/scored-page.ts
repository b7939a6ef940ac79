/**
 * The page of a scored version (PCI, PCS), as Markdown: per path each metric
 * with its maximum, the value for full points per segment and how partial
 * credit is given; the bands; the minimum per metric; the source; and the
 * readings of the source's open questions, each with its alternative. Every
 * word comes from the `docs` catalog or the definition. Pure.
 */
import type { Translator } from '../i18n/index.js';
import type { ScoredMetricDefinition, ScoredSource, ScoredVersionDefinition } from '../engine/index.js';
import { sequence } from '../render/format.js';
import { segmentName } from '../render/score-table.js';

type Value = number | string;

function values(
  value: Value | Readonly<Record<string, Value>> | undefined,
  show: (v: Value) => string,
  tr: Translator,
  version: ScoredVersionDefinition,
): string {
  if (value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'string') return show(value);
  const parts = Object.entries(value).map(([segment, v]) =>
    tr.t('docs.scored.perSegment', { segment: segmentName(tr, version, segment), value: show(v) }),
  );
  return sequence(tr, 'docs.scored.next', parts);
}

function fullOf(metric: ScoredMetricDefinition, tr: Translator, version: ScoredVersionDefinition): string {
  const number = (v: Value): string => tr.number(Number(v));
  if (metric.kind === 'headcount-growth') {
    return metric.rows
      .map((row) =>
        tr.t('docs.scored.growthRow', {
          from: values(row.from, number, tr, version),
          growth: row.growthPercent === null ? 'none' : tr.percent(Number(row.growthPercent)),
        }),
      )
      .join(' · ');
  }
  const show =
    metric.kind === 'revenue-sum'
      ? (v: Value) => tr.usd(Number(v))
      : metric.kind === 'growth-ratio'
        ? (v: Value) => tr.percent(Number(v))
        : number;
  return values(metric.points.full, show, tr, version);
}

/** Whether any threshold of the version differs by segment: only then does the page say what the segment is. */
function bySegment(version: ScoredVersionDefinition): boolean {
  const values = version.paths.flatMap((p) =>
    p.metrics.flatMap((m): unknown[] => {
      const own = [m.points.full, m.points.perUnit];
      switch (m.kind) {
        case 'pair-count-change':
          return [...own, m.unitThreshold];
        case 'headcount-growth':
          return [...own, m.minimumBaseline, ...m.rows.map((r) => r.from), m.anniversaryOption?.people];
        case 'growth-ratio':
          return [...own, m.baselineGate];
        case 'usage-crossings':
          return [...own, m.usageThreshold];
        default:
          return own;
      }
    }),
  );
  return values.some((v) => typeof v === 'object' && v !== null);
}

function sourceLine(s: ScoredSource, tr: Translator): string {
  if ('repository' in s)
    return tr.t('docs.scored.source', { repository: s.repository, path: s.path, commit: s.commit.slice(0, 7), date: tr.date(s.msDate) });
  return s.date === undefined
    ? tr.t('docs.scored.sourcePageUndated', { title: s.title, page: s.page })
    : tr.t('docs.scored.sourcePage', { title: s.title, page: s.page, date: tr.date(s.date) });
}

export function renderScoredPage(version: ScoredVersionDefinition, tr: Translator): string {
  const lines: string[] = [`# ${tr.text(version.name)}`, ''];
  lines.push(tr.t('docs.effectiveFrom', { program: tr.text(version.name), date: tr.date(version.effectiveFrom) }), '');
  for (const s of version.source) lines.push(`- ${sourceLine(s, tr)}`);
  lines.push(
    '',
    bySegment(version) ? tr.t('docs.scored.segmentation', { kind: version.segmentation.kind }) : tr.t('docs.scored.oneSegment'),
    '',
  );
  for (const path of version.paths) {
    lines.push(`## ${tr.text(path.name)}`, '');
    lines.push(
      `| ${tr.t('docs.scored.column.metric')} | ${tr.t('docs.scored.column.max')} | ${tr.t('docs.scored.column.full')} | ${tr.t('docs.scored.column.partial')} |`,
      '|---|---|---|---|',
    );
    for (const metric of path.metrics) {
      const kind = { linear: 'linear', 'per-unit': 'perUnit', 'all-or-nothing': 'allOrNothing' }[metric.points.partial];
      const partial = tr.t('docs.scored.partial', { partial: kind, rounding: metric.points.rounding.mode });
      const name = metric.segmentation
        ? tr.t('docs.scored.metricLocation', {
            metric: tr.text(metric.name),
            rule: metric.segmentation.rule === 'partner-country' ? 'partnerCountry' : 'customers',
          })
        : tr.text(metric.name);
      lines.push(`| ${name} | ${tr.number(Number(metric.points.max))} | ${fullOf(metric, tr, version)} | ${partial} |`);
    }
    lines.push('');
  }
  lines.push(`## ${tr.t('docs.scored.bands')}`, '');
  for (const band of version.bands)
    lines.push(`- ${tr.t('docs.scored.band', { band: tr.text(band.name), from: tr.number(Number(band.from)) })}`);
  if (version.minimumPerMetric) {
    lines.push(
      `- ${tr.t('docs.scored.minimum', { points: tr.number(Number(version.minimumPerMetric.points)), strict: version.minimumPerMetric.strict })}`,
    );
  }
  if (version.readings.length > 0) {
    lines.push('', `## ${tr.t('docs.scored.readings')}`, '');
    for (const r of version.readings) {
      const alternative = tr.t('docs.scored.alternative', { text: tr.text(r.alternative) });
      lines.push(`- ${tr.t('docs.scored.reading', { question: r.question, switch: r.switch, chosen: tr.text(r.chosen), alternative })}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
