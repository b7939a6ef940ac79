/**
 * TTM revenue of one revenue requirement month by month (the timeline, whose
 * last point is the as-of date), with the Silver and Gold thresholds of each
 * month drawn as dashed lines. Each point is judged by the version in force
 * on its date (the server's timeline), a change of version is marked where
 * it happens, and segments are straight: nothing is drawn that no point
 * says. The figures also as a table for those who do not read charts.
 */
import { useId, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { PartnerTimeline } from './api.ts';
import { useTexts } from './i18n.tsx';
import type { Names } from './program.ts';

const COLORS: Record<string, string> = { silver: '#4b5563', gold: '#8a6100' };

export function RevenueChart({ timeline, names }: { timeline: PartnerTimeline; names: Names }) {
  const tx = useTexts();
  const selectId = useId();
  // Every revenue requirement of every option, named by option and requirement.
  const series = new Map<string, { competency: string; option: string; requirement: string; levels: string[] }>();
  for (const point of timeline.points) {
    for (const o of point.options) {
      for (const r of o.requirements) {
        if (r.kind !== 'revenue') continue;
        const key = `${o.competency}/${o.option}/${r.id}`;
        const found = series.get(key) ?? { competency: o.competency, option: o.option, requirement: r.id, levels: [] };
        for (const level of Object.keys(r.required)) if (!found.levels.includes(level)) found.levels.push(level);
        series.set(key, found);
      }
    }
  }
  // Lowest threshold first: Silver, then Gold.
  const last = timeline.points.at(-1);
  for (const s of series.values()) {
    const required =
      last?.options.find((o) => o.competency === s.competency && o.option === s.option)?.requirements.find((r) => r.id === s.requirement)
        ?.required ?? {};
    s.levels.sort((a, b) => (required[a] ?? 0) - (required[b] ?? 0));
  }
  const keys = [...series.keys()];
  const [chosen, setChosen] = useState(keys[0] ?? '');
  const current = series.get(chosen) ?? series.get(keys[0] ?? '');
  if (!current) return <p className="muted">{tx.t('chart.none')}</p>;
  const requirementName = (s: { competency: string; option: string; requirement: string; levels: string[] }) =>
    names.requirement(s.competency, s.option, s.levels[0] ?? 'silver', s.requirement);
  const rows = timeline.points.map((point) => {
    const option = point.options.find((o) => o.competency === current.competency && o.option === current.option);
    const requirement = option?.requirements.find((r) => r.id === current.requirement);
    const row: Record<string, number | string | null> = {
      date: point.date,
      version: point.programVersion,
      actual: requirement?.actual ?? null,
    };
    for (const level of current.levels) row[level] = requirement?.required[level] ?? null;
    return row;
  });
  const levelName = (level: string) => names.level(current.competency, current.option, level);
  // The points where the rules judging them change.
  const changes = timeline.points.filter((point, i) => i > 0 && point.programVersion !== timeline.points[i - 1]!.programVersion);
  return (
    <figure className="chart card">
      <div className="chart-select field">
        <label htmlFor={selectId}>{tx.t('chart.requirement')}</label>
        <select id={selectId} value={chosen || keys[0]} onChange={(e) => setChosen(e.target.value)}>
          {keys.map((key) => {
            const s = series.get(key)!;
            return (
              <option key={key} value={key}>
                {names.option(s.competency, s.option)} — {requirementName(s)}
              </option>
            );
          })}
        </select>
      </div>
      <div className="chart-area" aria-hidden="true">
        <ResponsiveContainer width="100%" height={300}>
          <LineChart data={rows} margin={{ top: 10, right: 16, bottom: 4, left: 8 }}>
            <CartesianGrid stroke="#d1d5db" strokeDasharray="2 4" />
            <XAxis dataKey="date" tickFormatter={(d: string) => tx.month(d)} minTickGap={16} />
            <YAxis tickFormatter={(v: number) => tx.compactUsd(v)} width={72} />
            <Tooltip
              formatter={(value, name) => [typeof value === 'number' ? tx.usd(value) : String(value), String(name)]}
              labelFormatter={(d) => tx.date(String(d))}
            />
            <Legend itemSorter={null} />
            {changes.map((point) => (
              <ReferenceLine
                key={point.date}
                x={point.date}
                stroke="#6b21a8"
                strokeDasharray="2 2"
                label={{
                  value: tx.t('chart.rulesOf', { date: tx.date(point.programVersion) }),
                  position: 'insideTopRight',
                  fill: '#6b21a8',
                  fontSize: 12,
                }}
              />
            ))}
            <Line
              type="linear"
              dataKey="actual"
              name={tx.t('chart.actual')}
              stroke="#1d4ed8"
              strokeWidth={2}
              dot={rows.length < 4}
              isAnimationActive={false}
            />
            {current.levels.map((level) => (
              <Line
                key={level}
                type="stepAfter"
                dataKey={level}
                name={tx.t('chart.threshold', { level: levelName(level) })}
                stroke={COLORS[level] ?? '#6b7280'}
                strokeDasharray="6 4"
                strokeWidth={2}
                dot={rows.length < 4}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <figcaption>
        {tx.t('chart.caption', {
          requirement: `${names.option(current.competency, current.option)} — ${requirementName(current)}`,
          from: tx.date(timeline.points[0]?.date ?? ''),
          to: tx.date(timeline.points.at(-1)?.date ?? ''),
        })}
        {changes.length > 0 ? (
          <>
            {' '}
            <span data-testid="version-changes">
              {tx.t('chart.changes', {
                changes: changes.map((p) => tx.t('chart.change', { date: tx.date(p.date), version: tx.date(p.programVersion) })).join(', '),
              })}
            </span>
          </>
        ) : null}
      </figcaption>
      <details>
        <summary>{tx.t('chart.asTable')}</summary>
        <div className="table-scroll" role="region" aria-label={tx.t('chart.asTable')} tabIndex={0}>
          <table className="compact">
            <thead>
              <tr>
                <th scope="col">{tx.t('evidence.date')}</th>
                <th scope="col">{tx.t('chart.rules')}</th>
                <th scope="col" className="num">
                  {tx.t('chart.actual')}
                </th>
                {current.levels.map((level) => (
                  <th scope="col" className="num" key={level}>
                    {tx.t('chart.threshold', { level: levelName(level) })}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={String(row.date)}>
                  <th scope="row">{tx.date(String(row.date))}</th>
                  <td>{tx.date(String(row.version))}</td>
                  <td className="num">{typeof row.actual === 'number' ? tx.usd(row.actual) : ''}</td>
                  {current.levels.map((level) => (
                    <td className="num" key={level}>
                      {typeof row[level] === 'number' ? tx.usd(row[level]) : ''}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
