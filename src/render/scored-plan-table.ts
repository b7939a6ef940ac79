/** The scored plan as the reader reads it: per path, the band aimed at and the cheapest steps to it, or why it cannot be had. */
import Table from 'cli-table3';
import {
  toDecimalText,
  type Ladder,
  type MetricUnit,
  type Rational,
  type ScoredPlan,
  type ScoredVersionDefinition,
} from '../engine/index.js';
import type { Translator } from '../i18n/index.js';
import { BORDERLESS, indent, TABLE_STYLE } from './format.js';
import { amount, bandName, metricValue, pointsText, segmentName } from './score-table.js';

/** A value in its unit, as the score table writes it. */
const valueText = (tr: Translator, unit: MetricUnit, value: Rational): string => metricValue(tr, unit, toDecimalText(value, 4));

/** Units of cost to the hundredth, in the locale's digits. */
const costText = (tr: Translator, cost: Rational): string => tr.number(Number(toDecimalText(cost, 2)));

export function renderScoredPlanTable(plan: ScoredPlan, version: ScoredVersionDefinition, tr: Translator): string {
  const bandOf = (id: string | null): string => bandName(tr, version, id);
  const lines = [
    tr.t('cli.score.header', {
      partnerId: plan.partnerId,
      month: plan.month,
      segment: segmentName(tr, version, plan.segment),
      version: tr.date(plan.version),
    }),
  ];
  // The units of cost the ladders that can climb count in, once each, in the order met.
  const units = new Map<string, string>();
  for (const p of plan.paths)
    for (const l of p.ladders) {
      const text = amount(tr, l.costUnit, toDecimalText(l.unitOfCost, 4));
      if (l.steps.length > 1) units.set(`${l.costUnit} ${text}`, text);
    }
  if (units.size > 0) lines.push(tr.t('cli.scoredPlan.units', { units: tr.list([...units.values()]) }));
  for (const p of plan.paths) {
    const definition = version.paths.find((d) => d.id === p.path)!;
    const metricName = (id: string): string => tr.text(definition.metrics.find((m) => m.id === id)!.name);
    const ladderName = (l: Pick<Ladder, 'metrics'> | { metrics: readonly string[] }): string =>
      tr.list(l.metrics.map((m) => metricName(typeof m === 'string' ? m : m.id)));
    const head = { path: tr.text(definition.name), total: pointsText(tr, p.total), band: bandOf(p.band) };
    lines.push('');
    const o = p.outcome;
    if (o.kind === 'top' || p.target === null) {
      lines.push(tr.t('cli.scoredPlan.top', head));
      continue;
    }
    const target = bandOf(p.target.band);
    const from = pointsText(tr, p.target.from);
    if (o.kind === 'reached') {
      lines.push(tr.t('cli.scoredPlan.reached', { ...head, target }));
      continue;
    }
    lines.push(tr.t('cli.scoredPlan.path', { ...head, target, from }));
    if (o.kind === 'unreachable') {
      lines.push(`  ${tr.t('cli.scoredPlan.unreachable', { target })}`);
      for (const r of o.reasons)
        lines.push(
          `    ${
            r.code === 'cannotScore'
              ? tr.t('cli.scoredPlan.reason.cannotScore', {
                  metric: metricName(r.metric),
                  why: tr.t('cli.score.cannotScore', { reason: r.note ?? 'other' }),
                })
              : r.code === 'belowMinimum'
                ? tr.t('cli.scoredPlan.reason.belowMinimum', { metric: metricName(r.metric) })
                : tr.t('cli.scoredPlan.reason.maximumBelowTarget', {
                    maximum: pointsText(tr, r.maximum),
                    needed: pointsText(tr, r.needed),
                    target,
                  })
          }`,
        );
      continue;
    }
    lines.push(`  ${tr.t('cli.scoredPlan.cheapest', { cost: costText(tr, o.cost), total: pointsText(tr, o.total) })}`);
    const table = new Table({
      head: [
        tr.t('cli.score.column.metric'),
        tr.t('cli.scoredPlan.column.now'),
        tr.t('cli.scoredPlan.column.to'),
        tr.t('cli.score.column.points'),
        tr.t('cli.scoredPlan.column.cost'),
      ],
      chars: BORDERLESS,
      style: TABLE_STYLE,
    });
    const unitOf = new Map(p.ladders.map((l) => [l.metrics[0]!.id, l.unit]));
    for (const m of o.moves) {
      const unit = unitOf.get(m.metrics[0]!)!;
      table.push([
        ladderName(m),
        valueText(tr, unit, m.from.value),
        valueText(tr, unit, m.to.value),
        tr.t('cli.scoredPlan.points', { from: pointsText(tr, m.from.total), to: pointsText(tr, m.to.total) }),
        tr.t('cli.scoredPlan.cost', { amount: amount(tr, m.costUnit, toDecimalText(m.to.more, 4)), cost: costText(tr, m.to.cost) }),
      ]);
    }
    lines.push(indent(table.toString(), '  '));
  }
  return `${lines.join('\n')}\n`;
}
