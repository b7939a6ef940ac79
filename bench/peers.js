// What a team would use instead of Attain, given the same rules: the program version in force written
// as SQL (DuckDB, PostgreSQL), and as json-rules-engine rules run per partner. Both are generated from
// the compiled program version (revenue scopes, thresholds per market, qualifications with their exam
// sets, same/different people, any-of alternatives), never from competency names.
import { dayNumberOf, ttmWindow } from '../dist/engine/index.js';

const quote = (text) => `'${String(text).replaceAll("'", "''")}'`;
const list = (values) => values.map(quote).join(', ');

/** Every requirement of every level, in order, with alternatives flattened: what the measures feed. */
function levelsOf(version) {
  return version.competencies.flatMap((competency) =>
    competency.options.map((option) => ({ competency: competency.id, option: option.id, levels: option.levels })),
  );
}

/**
 * One query giving, per partner: its id, the revenue of each scope in the TTM window (cents, s0…), the
 * people qualifying under each qualification (q0…), and the level attained in each option (l0…).
 * Tables are the store's (revenue_lines, associations, people, exam_passes, fx_rates, partners).
 */
export function rulesAsSql(version, asOf, dialect) {
  const window = ttmWindow(asOf);
  const first = new Date(window.first * 86_400_000).toISOString().slice(0, 10);
  const month = dialect === 'duckdb' ? "strftime(r.date, '%Y-%m')" : "to_char(r.date, 'YYYY-MM')";
  const asOfDay = dayNumberOf(asOf);
  const scopes = version.revenueScopes;
  const quals = version.qualifications;
  const types = [...new Set(scopes.map((s) => s.attribution))];
  // Passes count from their date until their exam's acceptance ends.
  // A pass of an exam counts as every exam accepting it (itself, or one that `acceptsPassesOf` it).
  const countsAs = [...version.exams.values()]
    .filter((e) => !e.acceptedUntil || asOfDay <= dayNumberOf(e.acceptedUntil))
    .flatMap((e) => [...new Set([e.id, ...e.acceptsPassesOf])].map((passed) => `(${quote(passed)}, ${quote(e.id)})`))
    .join(', ');
  const countries = [...version.countries].map(([c, m]) => `(${quote(c)}, ${quote(m)})`).join(', ');
  const scopeSums = scopes
    .map(
      (s) =>
        `sum(CASE WHEN type = ${quote(s.attribution)} AND product IN (${list([...s.products])})${s.netNewOnly ? ' AND net_new' : ''} THEN cents ELSE 0 END) AS s${s.index}`,
    )
    .join(',\n      ');
  // \`passed\` holds each (person, exam) once: a set's exams passed are counted by a plain sum.
  const qualifies = quals
    .map(
      (q) =>
        `CASE WHEN ${q.examSets
          .map((set) => `sum(CASE WHEN exam IN (${list(set.exams)}) THEN 1 ELSE 0 END) >= ${set.minimum}`)
          .join(' AND ')} THEN 1 ELSE 0 END AS q${q.index}`,
    )
    .join(',\n      ');
  const qualCounts = quals.map((q) => `sum(q${q.index}) AS q${q.index}`).join(', ');
  const single = (r) => {
    if (r.kind === 'revenue') {
      const cases = [...r.minimumCents].map(([market, cents]) => `WHEN ${quote(market)} THEN ${cents}`).join(' ');
      return `(s${r.scope.index} >= CASE market ${cases} END)`;
    }
    return `(${r.groups.map((g) => `q${g.index} >= ${r.people}`).join(' AND ')})`;
  };
  const requirement = (r) => (r.kind === 'any-of' ? `(${r.alternatives.map(single).join(' OR ')})` : single(r));
  const options = levelsOf(version)
    .map(
      ({ levels }, o) =>
        `CASE ${[...levels]
          .reverse()
          .map((level) => `WHEN ${level.requirements.map(requirement).join(' AND ') || 'TRUE'} THEN ${quote(level.id)}`)
          .join(' ')} ELSE NULL END AS l${o}`,
    )
    .join(',\n    ');
  return `
WITH markets(country, market) AS (VALUES ${countries}),
counts_as(passed, exam) AS (VALUES ${countsAs}),
lines AS (
  SELECT r.id, r.customer_id, r.product, r.date, r.net_new,
    CAST(CASE WHEN r.currency = 'USD' THEN r.amount * 100 ELSE round(r.amount * f.usd_per_unit * 100, 0) END AS BIGINT) AS cents
  FROM revenue_lines r LEFT JOIN fx_rates f ON f.currency = r.currency AND f.month = ${month}
  WHERE r.date BETWEEN DATE '${first}' AND DATE '${asOf}'
),
attributed AS (
  SELECT DISTINCT l.id, l.product, l.net_new, l.cents, a.partner_id, a.type
  FROM lines l JOIN associations a ON a.customer_id = l.customer_id AND a.start_date <= l.date AND (a.end_date IS NULL OR l.date <= a.end_date)
  WHERE a.type IN (${list(types)})
),
revenue AS (
  SELECT partner_id,
      ${scopeSums}
  FROM attributed GROUP BY partner_id
),
passed AS (
  SELECT DISTINCT x.person_id, c.exam FROM exam_passes x JOIN counts_as c ON c.passed = x.exam WHERE x.date <= DATE '${asOf}'
),
qualified AS (
  SELECT p.partner_id, p.id,
      ${qualifies}
  FROM passed x JOIN people p ON p.id = x.person_id GROUP BY p.partner_id, p.id
),
certified AS (SELECT partner_id, ${qualCounts} FROM qualified GROUP BY partner_id),
measures AS (
  SELECT p.id, m.market,
    ${scopes.map((s) => `CAST(coalesce(r.s${s.index}, 0) AS BIGINT) AS s${s.index}`).join(', ')},
    ${quals.map((q) => `CAST(coalesce(c.q${q.index}, 0) AS BIGINT) AS q${q.index}`).join(', ')}
  FROM partners p JOIN markets m ON m.country = p.country
  LEFT JOIN revenue r ON r.partner_id = p.id LEFT JOIN certified c ON c.partner_id = p.id
)
SELECT id, ${scopes.map((s) => `s${s.index}`).join(', ')}, ${quals.map((q) => `q${q.index}`).join(', ')},
    ${options}
FROM measures`;
}

/** The option columns of a result row, in the order of `levelsOf`. */
export function optionsOf(version) {
  return levelsOf(version).map(({ option }) => option);
}

/**
 * The rules as json-rules-engine rules: one rule per level of each option, firing `option/level`.
 * Facts per partner: market, s0… (revenue of each scope, cents), q0… (qualifying people per qualification).
 */
export function rulesAsJson(version) {
  const single = (r) => {
    if (r.kind === 'revenue')
      return {
        any: [...r.minimumCents].map(([market, cents]) => ({
          all: [
            { fact: 'market', operator: 'equal', value: market },
            { fact: `s${r.scope.index}`, operator: 'greaterThanInclusive', value: cents },
          ],
        })),
      };
    return { all: r.groups.map((g) => ({ fact: `q${g.index}`, operator: 'greaterThanInclusive', value: r.people })) };
  };
  const requirement = (r) => (r.kind === 'any-of' ? { any: r.alternatives.map(single) } : single(r));
  return levelsOf(version).flatMap(({ option, levels }) =>
    levels.map((level) => ({
      name: `${option}/${level.id}`,
      conditions: { all: level.requirements.map(requirement) },
      event: { type: 'level', params: { option, level: level.id, rank: level.rank } },
    })),
  );
}
