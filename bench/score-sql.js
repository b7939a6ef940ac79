// Issue 19: a scored program version written as one DuckDB query, as a team would write the scoring in SQL.
// Generated from the version's data — segmentation, association precedence (eligible types, displacements),
// metric kinds with their products, windows and thresholds, full points per segment, partial credit, clamp,
// rounding, the per-metric minimum and the bands — never from a metric's or competency's name.
// Points stay exact: every value and every metric's points are a fraction (numerator, denominator) of HUGEINTs,
// reduced by their gcd; totals are summed as fractions; bands compare fractions. The query gives per partner
// its segment, each metric's points, each path's total and band, and the partner's band.
//
// Tables (bench/score.js loads them): partners(id, country), tenants(id, country), subscriptions(id, tenant_id,
// product, paid, channel, agreement_start), billing(subscription_id, month, cents), seats(subscription_id, month,
// paid_seats), usage(tenant_id, workload, month, units_e4: units × 10^4), instances(tenant_id, grp, production),
// associations(partner_id, subscription_id, type, from_m, to_m), people(id, partner_id), exam_passes(person_id,
// exam, date), certifications_held(person_id, certification, date, expires), baselines(ord, partner_id, metric, kind,
// date, count). Months are month indexes (year × 12 + month − 1), as the engine's.
import { addMonthsToDate, parseRational } from '../dist/engine/index.js';

const quote = (text) => `'${String(text).replaceAll("'", "''")}'`;
const list = (values) => values.map(quote).join(', ');

/** Exact decimal text or number as [numerator, denominator] bigints, reduced, denominator positive. */
export function fraction(value) {
  const r = parseRational(String(value));
  if (!r) throw new Error(`not a decimal: ${value}`);
  return [r.num, r.den];
}

/** Units are loaded as units × 10^4 and rates written as rate × 10^4: both exact only to four decimal places. */
export const UNIT_SCALE = 10_000n;
function scaled(value) {
  const [n, d] = fraction(value);
  if ((n * UNIT_SCALE) % d !== 0n) throw new Error(`${value} has more than four decimal places: the SQL would round it`);
  return (n * UNIT_SCALE) / d;
}

/** The segments a version can give: its markets, or its two tracks. */
function segmentsOf(version) {
  const s = version.segmentation;
  return s.kind === 'market' ? [...new Set(Object.values(version.countries))] : [...new Set([s.ifMet, s.otherwise])];
}

/**
 * A per-segment value as SQL, through `f([n, d])` (literal SQL for one exact value): one value for every
 * segment, or a CASE on the partner's segment; `otherwise` (SQL) where the definition gives none.
 */
function perSegment(version, value, f, otherwise = 'NULL', column = 'g.segment') {
  if (value === undefined) return otherwise;
  if (typeof value !== 'object') return f(fraction(value));
  const cases = segmentsOf(version)
    .filter((s) => value[s] !== undefined)
    .map((s) => `WHEN ${quote(s)} THEN ${f(fraction(value[s]))}`);
  return cases.length === 0 ? otherwise : `CASE ${column} ${cases.join(' ')} ELSE ${otherwise} END`;
}

const hugeint = (n) => `${n}::HUGEINT`;
/** Floor of a / b for b > 0 (DuckDB's // truncates). */
const floorDiv = (a, b) => `(CASE WHEN (${a}) >= 0 THEN (${a}) // (${b}) ELSE -((-(${a}) + (${b}) - 1) // (${b})) END)`;

export function scoringAsSql(version, month) {
  const M = month;
  const asOf = lastDay(M);
  const ctes = [];
  const workloads = new Map(version.workloads.map((w) => [w.id, w]));
  const productsOf = (ids) => [...new Set(ids.flatMap((id) => [id, ...(workloads.get(id)?.products ?? [])]))];

  // Credit by association rule: (partner, subscription, month) for the months some metric asks about.
  const rules = new Map();
  const creditOf = (rule, months) => {
    const key = JSON.stringify(rule);
    let entry = rules.get(key);
    if (!entry) rules.set(key, (entry = { rule, name: `cr${rules.size}`, months: new Set(), tenants: new Map() }));
    for (const m of months) entry.months.add(m);
    return entry;
  };
  /** (partner, tenant, month): credited on a subscription of the tenant to one of the products. */
  const tenantCreditOf = (rule, products, months) => {
    const entry = creditOf(rule, months);
    const key = JSON.stringify([...products].sort());
    let t = entry.tenants.get(key);
    if (!t) entry.tenants.set(key, (t = { name: `${entry.name}t${entry.tenants.size}`, products, months: new Set() }));
    for (const m of months) t.months.add(m);
    return t.name;
  };
  const range = (from, to) => Array.from({ length: to - from + 1 }, (_, k) => from + k);

  const segmentCtes = [];
  const s = version.segmentation;
  // A metric reading its market by its own rule (PCI 2021-03-26) would need a segment per metric: not written in SQL.
  if (version.paths.some((path) => path.metrics.some((metric) => metric.segmentation !== undefined)))
    throw new Error(`version ${version.effectiveFrom}: a metric's own segmentation is not written in SQL`);
  const countries = Object.entries(version.countries)
    .map(([c, m]) => `(${quote(c)}, ${quote(m)})`)
    .join(', ');
  let segment;
  if (s.kind === 'market') {
    const own = countries ? "coalesce(k.market, '')" : "''";
    const countryJoin = countries ? 'LEFT JOIN markets k ON k.country = p.country' : '';
    if (s.rule === 'partner-country' || s.preferred === undefined) {
      segment = `SELECT p.id AS partner_id, ${own} AS segment FROM partners p ${countryJoin}`;
    } else {
      const all = tenantCreditOf({ eligible: version.associationTypes, displaces: [] }, productsOf(version.workloads.map((w) => w.id)), [
        M,
      ]);
      // The markets of the partner's credited customers: the preferred one if any is in it; with customer-markets,
      // else the one market they are all in; else the partner's own.
      segmentCtes.push(`customer_markets AS (
  SELECT c.partner_id, bool_or(k.market = ${quote(s.preferred)}) AS preferred, count(DISTINCT k.market) AS n, min(k.market) AS market
  FROM ${all} c JOIN tenants t ON t.id = c.tenant_id JOIN markets k ON k.country = t.country
  WHERE c.m = ${M} GROUP BY c.partner_id)`);
      const single = s.rule === 'customer-markets' ? `WHEN f.n = 1 THEN f.market ` : '';
      segment = `SELECT p.id AS partner_id, CASE WHEN f.preferred THEN ${quote(s.preferred)} ${single}ELSE ${own} END AS segment
  FROM partners p ${countryJoin} LEFT JOIN customer_markets f ON f.partner_id = p.id`;
    }
  } else {
    const [ln, ld] = fraction(s.moreThanUsd);
    if (ln < 0n) throw new Error('a negative track threshold is not written in SQL');
    const months = [...new Set(s.months.map((k) => M + k))];
    const credit = creditOf(s.associations, months);
    const pairs = s.workloads.flatMap((w) => productsOf([w]).map((p) => `(${quote(w)}, ${quote(p)})`)).join(', ');
    segmentCtes.push(`track_products(w, product) AS (VALUES ${pairs}),
track_amounts AS (
  SELECT c.partner_id, s.tenant_id, tp.w, c.m, sum(coalesce(bm.cents, 0)) AS cents
  FROM ${credit.name} c JOIN subscriptions s ON s.id = c.subscription_id JOIN track_products tp ON tp.product = s.product
  LEFT JOIN (SELECT subscription_id, month, sum(cents) AS cents FROM billing WHERE month IN (${months.join(', ')}) GROUP BY ALL) bm
    ON bm.subscription_id = c.subscription_id AND bm.month = c.m
  WHERE c.m IN (${months.join(', ')})
  GROUP BY ALL),
track_pairs AS (
  SELECT partner_id, tenant_id, w FROM track_amounts WHERE cents * ${ld} > ${ln * 100n}
  GROUP BY ALL HAVING count(DISTINCT m) = ${months.length}),
track_count AS (
  ${
    s.per === 'all-tenants'
      ? 'SELECT partner_id, count(*) AS pairs FROM track_pairs GROUP BY ALL'
      : 'SELECT partner_id, max(n) AS pairs FROM (SELECT partner_id, tenant_id, count(*) AS n FROM track_pairs GROUP BY ALL) GROUP BY ALL'
  })`);
    segment = `SELECT p.id AS partner_id, CASE WHEN coalesce(tc.pairs, 0) >= ${s.minimumPairs} THEN ${quote(s.ifMet)} ELSE ${quote(s.otherwise)} END AS segment
  FROM partners p LEFT JOIN track_count tc ON tc.partner_id = p.id`;
  }

  // Certifications held on the last day of M: exam passes counted (retirement, acceptance), sets and alternatives.
  const exams = new Map(version.exams.map((e) => [e.id, e]));
  const catalog = new Map(version.certifications.map((c) => [c.id, c]));
  const certifiedMetrics = version.paths.flatMap((p) => p.metrics.filter((m) => m.kind === 'certified-count'));
  const certIds = [...new Set(certifiedMetrics.flatMap((m) => m.certifications))].filter((id) => {
    const c = catalog.get(id);
    return !(c?.eligibleUntil !== undefined && asOf > c.eligibleUntil);
  });
  const certColumn = new Map(certIds.map((id, k) => [id, k]));
  const certifiedCtes = [];
  if (certifiedMetrics.length > 0) {
    const notAccepted = version.exams.filter((e) => e.acceptedUntil !== undefined && asOf > e.acceptedUntil).map((e) => e.id);
    const retiring = version.exams.filter((e) => e.retires !== undefined);
    const retire = retiring.length
      ? `AND NOT (${retiring.map((e) => `(x.exam = ${quote(e.id)} AND x.date > DATE '${e.retires}')`).join(' OR ')})`
      : '';
    const earned = certIds.map((id, k) => {
      const alternatives = catalog.get(id)?.alternatives ?? [];
      const expr = alternatives.length
        ? alternatives
            .map(
              (sets) =>
                `(${sets
                  .map((set) => `sum(CASE WHEN exam IN (${list(set.exams)}) THEN 1 ELSE 0 END) >= ${set.minimum ?? set.exams.length}`)
                  .join(' AND ')})`,
            )
            .join(' OR ')
        : 'FALSE';
      return `${expr} AS e${k}`;
    });
    const held = certIds.map((id, k) => `bool_or(certification = ${quote(id)}) AS h${k}`);
    const counts = certifiedMetrics.map(
      (m, i) =>
        `sum(CASE WHEN ${
          m.certifications
            .filter((id) => certColumn.has(id))
            .map((id) => `coalesce(e.e${certColumn.get(id)}, FALSE) OR coalesce(h.h${certColumn.get(id)}, FALSE)`)
            .join(' OR ') || 'FALSE'
        } THEN 1 ELSE 0 END) AS k${i}`,
    );
    certifiedCtes.push(`passed AS (
  SELECT DISTINCT x.person_id, x.exam FROM exam_passes x
  WHERE x.date <= DATE '${asOf}' ${notAccepted.length ? `AND x.exam NOT IN (${list(notAccepted)})` : ''} ${retire}),
earned AS (SELECT person_id, ${earned.join(', ') || 'TRUE AS none'} FROM passed GROUP BY ALL),
held AS (
  SELECT person_id, ${held.join(', ') || 'TRUE AS none'} FROM certifications_held
  WHERE date <= DATE '${asOf}' AND (expires IS NULL OR DATE '${asOf}' <= expires) GROUP BY ALL),
certified AS MATERIALIZED (
  SELECT p.partner_id, ${counts.join(', ')}
  FROM people p LEFT JOIN earned e ON e.person_id = p.id LEFT JOIN held h ON h.person_id = p.id GROUP BY ALL)`);
  }
  const certifiedIndex = new Map(certifiedMetrics.map((m, i) => [m, i]));

  // Each metric: its CTEs, then in `measures` its value and full points as fractions (v{i}n / v{i}d, f{i}n / f{i}d).
  const metricCtes = [];
  const joins = [];
  const measures = [];
  const metrics = version.paths.flatMap((path, p) => path.metrics.map((metric, k) => ({ path, metric, p, k })));
  const fullOf = (metric, times = 1n) =>
    [0, 1].map((part) => perSegment(version, metric.points.full, (f) => hugeint(part === 0 ? f[0] * times : f[1])));
  metrics.forEach(({ path, metric }, i) => {
    const measure = (vn, vd, full = fullOf(metric)) =>
      measures.push(`${vn} AS v${i}n, ${vd} AS v${i}d, ${full[0]} AS f${i}n, ${full[1]} AS f${i}d`);
    const join = (name) => joins.push(`LEFT JOIN ${name} ON ${name}.partner_id = g.partner_id`);
    switch (metric.kind) {
      case 'revenue-sum': {
        const lo = M + metric.window.from;
        const hi = M + metric.window.to;
        const credit = creditOf(metric.associations, range(lo, hi));
        const firstYear = metric.firstAgreementYearOnly.length
          ? `AND CASE WHEN s.channel IN (${list(metric.firstAgreementYearOnly)}) THEN s.agreement_start IS NOT NULL AND b.month BETWEEN s.agreement_start AND s.agreement_start + 11 ELSE TRUE END`
          : '';
        metricCtes.push(`m${i} AS (
  SELECT c.partner_id, sum(b.cents)::HUGEINT AS v
  FROM billing b JOIN subscriptions s ON s.id = b.subscription_id
  JOIN ${credit.name} c ON c.subscription_id = b.subscription_id AND c.m = b.month
  WHERE b.month BETWEEN ${lo} AND ${hi} AND s.product IN (${list(productsOf(metric.products))}) ${firstYear}
  GROUP BY ALL)`);
        join(`m${i}`);
        measure(`coalesce(m${i}.v, 0)`, hugeint(1n), fullOf(metric, 100n));
        break;
      }
      case 'net-customer-adds': {
        const first = M + metric.window.from;
        const last = M + metric.window.to;
        const products = productsOf(metric.products);
        const credit = tenantCreditOf(metric.associations, products, range(first - 12, last));
        const losses =
          metric.losses === 'all-associated'
            ? `SELECT c.partner_id, count(*) AS n FROM l${i} l JOIN ${credit} c ON c.tenant_id = l.tenant_id AND c.m = l.m GROUP BY ALL`
            : `SELECT partner_id, count(*) AS n FROM (
    SELECT DISTINCT a.partner_id, l.tenant_id, l.m FROM l${i} l JOIN a${i} a ON a.tenant_id = l.tenant_id AND a.m BETWEEN l.m - 12 AND l.m - 1)
  GROUP BY ALL`;
        metricCtes.push(`s${i} AS (
  SELECT s.tenant_id, x.month AS m, sum(x.paid_seats) AS n FROM seats x JOIN subscriptions s ON s.id = x.subscription_id
  WHERE s.product IN (${list(products)}) AND x.month BETWEEN ${first - 13} AND ${last} GROUP BY ALL),
a${i} AS (
  SELECT DISTINCT c.partner_id, t.tenant_id, t.m FROM s${i} t LEFT JOIN s${i} b ON b.tenant_id = t.tenant_id AND b.m = t.m - 1
  JOIN ${credit} c ON c.tenant_id = t.tenant_id AND c.m = t.m
  WHERE t.n > 0 AND coalesce(b.n, 0) = 0 AND t.m BETWEEN ${first - 12} AND ${last}),
l${i} AS (
  SELECT b.tenant_id, b.m + 1 AS m FROM s${i} b LEFT JOIN s${i} t ON t.tenant_id = b.tenant_id AND t.m = b.m + 1
  WHERE b.n > 0 AND coalesce(t.n, 0) = 0 AND b.m + 1 BETWEEN ${first} AND ${last}),
m${i} AS (
  SELECT partner_id, sum(adds) AS adds, sum(losses) AS losses FROM (
    SELECT partner_id, count(*) AS adds, 0 AS losses FROM a${i} WHERE m >= ${first} GROUP BY ALL
    UNION ALL
    SELECT partner_id, 0 AS adds, n AS losses FROM (${losses}))
  GROUP BY ALL)`);
        join(`m${i}`);
        measure(`(coalesce(m${i}.adds, 0) - coalesce(m${i}.losses, 0))::HUGEINT`, hugeint(1n));
        break;
      }
      case 'pair-count-change': {
        const mc = M + metric.current;
        const mb = M + metric.baseline;
        const pairs = metric.workloads.flatMap((w) => productsOf([w]).map((p) => `(${quote(w)}, ${quote(p)})`)).join(', ');
        const credit = creditOf(metric.associations, [mc, mb]);
        let amounts;
        let scale;
        if (metric.measure === 'revenue') {
          scale = 100n;
          amounts = `SELECT c.partner_id, c.m, s.tenant_id, wp.w, sum(coalesce(bm.cents, 0))::HUGEINT AS amount
  FROM ${credit.name} c JOIN subscriptions s ON s.id = c.subscription_id JOIN wp${i} wp ON wp.product = s.product
  LEFT JOIN (SELECT subscription_id, month, sum(cents) AS cents FROM billing WHERE month IN (${mc}, ${mb}) GROUP BY ALL) bm
    ON bm.subscription_id = c.subscription_id AND bm.month = c.m
  WHERE c.m IN (${mc}, ${mb}) GROUP BY ALL`;
        } else {
          scale = UNIT_SCALE * UNIT_SCALE;
          const rates = metric.workloads.map((w) => `(${quote(w)}, ${hugeint(rateOf(workloads, w))})`).join(', ');
          amounts = `SELECT x.partner_id, x.m, x.tenant_id, x.w, coalesce(u.units, 0) * r.rate AS amount
  FROM (SELECT DISTINCT c.partner_id, c.m, s.tenant_id, wp.w
        FROM ${credit.name} c JOIN subscriptions s ON s.id = c.subscription_id JOIN wp${i} wp ON wp.product = s.product
        WHERE c.m IN (${mc}, ${mb})) x
  JOIN (VALUES ${rates}) r(w, rate) ON r.w = x.w
  LEFT JOIN (SELECT tenant_id, workload, month, sum(units_e4)::HUGEINT AS units FROM usage
             WHERE month IN (${mc}, ${mb}) AND workload IN (${list(metric.workloads)}) GROUP BY ALL) u
    ON u.tenant_id = x.tenant_id AND u.workload = x.w AND u.month = x.m`;
        }
        const op = metric.compare === 'at-least' ? '>=' : '>';
        const counts = perSegment(
          version,
          metric.unitThreshold,
          ([n, d]) => `x.amount * ${d} ${op} ${hugeint(n * scale)}`,
          `x.amount ${op} 0`,
        );
        metricCtes.push(`wp${i}(w, product) AS (VALUES ${pairs}),
x${i} AS (${amounts}),
m${i} AS (
  SELECT x.partner_id,
    sum(CASE WHEN x.m = ${mc} AND (${counts}) THEN 1 ELSE 0 END) - sum(CASE WHEN x.m = ${mb} AND (${counts}) THEN 1 ELSE 0 END) AS v
  FROM x${i} x JOIN segments g ON g.partner_id = x.partner_id GROUP BY ALL)`);
        join(`m${i}`);
        measure(`coalesce(m${i}.v, 0)::HUGEINT`, hugeint(1n));
        break;
      }
      case 'certified-count':
        joins.includes('LEFT JOIN certified ON certified.partner_id = g.partner_id') || join('certified');
        measure(`coalesce(certified.k${certifiedIndex.get(metric)}, 0)::HUGEINT`, hugeint(1n));
        break;
      case 'headcount-growth': {
        const of = path.metrics.find((m) => m.id === metric.of);
        const now = of?.kind === 'certified-count' ? `coalesce(certified.k${certifiedIndex.get(of)}, 0)` : '0';
        if (of?.kind === 'certified-count')
          joins.includes('LEFT JOIN certified ON certified.partner_id = g.partner_id') || join('certified');
        const qualified = `${path.id}/${metric.id}`;
        const option = metric.anniversaryOption;
        const anniversary = option
          ? `, bool_or(kind = 'anniversary' AND date <= DATE '${asOf}' AND DATE '${asOf}' < CAST(date + INTERVAL ${option.months} MONTH AS DATE) AND (${perSegment(
              version,
              option.people,
              ([n, d]) => `count * ${d} >= ${n}`,
              'FALSE',
            )})) AS anniversary`
          : ', FALSE AS anniversary';
        metricCtes.push(`r${i} AS (
  SELECT * FROM baselines WHERE metric = ${quote(qualified)}
  UNION ALL
  SELECT b.* FROM baselines b WHERE b.metric = ${quote(metric.id)}
    AND NOT EXISTS (SELECT 1 FROM baselines q WHERE q.partner_id = b.partner_id AND q.metric = ${quote(qualified)})),
m${i} AS (
  SELECT r.partner_id${anniversary},
    arg_max(count, (date, -ord)) FILTER (WHERE kind = 'baseline' AND date <= DATE '${asOf}') AS base
  FROM r${i} r JOIN segments g ON g.partner_id = r.partner_id GROUP BY ALL)`);
        join(`m${i}`);
        // The growth row: the last whose `from` the baseline reaches; required = ceil(base × (100 + growth) / 100).
        const minimum = perSegment(version, metric.minimumBaseline, ([n, d]) => `m${i}.base * ${d} >= ${n}`, 'FALSE');
        const rowsFor = (segmentId) => {
          const at = (v) => (v === undefined ? undefined : typeof v === 'object' ? v[segmentId] : v);
          const cases = [...metric.rows]
            .map((row) => ({ from: at(row.from), growth: row.growthPercent }))
            .filter((row) => row.from !== undefined)
            .reverse()
            .map(({ from, growth }) => {
              const [fn, fd] = fraction(from);
              if (growth === null) return `WHEN m${i}.base * ${fd} >= ${fn} THEN NULL`;
              const [gn, gd] = fraction(growth);
              // ceil(base × (100·gd + gn) / (100·gd)), base ≥ 0
              const num = `(m${i}.base::HUGEINT * ${100n * gd + gn})`;
              return `WHEN m${i}.base * ${fd} >= ${fn} THEN (${num} + ${100n * gd - 1n}) // ${100n * gd}`;
            });
          return cases.length ? `CASE ${cases.join(' ')} ELSE NULL END` : 'NULL';
        };
        const segments = segmentsOf(version);
        const required = `CASE g.segment ${segments.map((sg) => `WHEN ${quote(sg)} THEN ${rowsFor(sg)}`).join(' ')} ELSE ${rowsFor('\u0000')} END`;
        const full = `CASE WHEN coalesce(m${i}.anniversary, FALSE) THEN 0::HUGEINT WHEN m${i}.base IS NULL OR NOT (${minimum}) THEN NULL ELSE ${required} END`;
        measure(`(${now})::HUGEINT`, hugeint(1n), [full, `CASE WHEN (${full}) IS NULL THEN NULL ELSE 1::HUGEINT END`]);
        break;
      }
      case 'growth-ratio': {
        const mc = M + metric.current;
        const mb = M + metric.baseline;
        const products = productsOf(metric.workloads);
        const credit = tenantCreditOf(metric.associations, products, metric.cohort === 'each-month' ? [mc, mb] : [mc]);
        const mau = metric.measure === 'mau';
        const scale = mau ? UNIT_SCALE : UNIT_SCALE * UNIT_SCALE;
        const rates = metric.workloads.map((w) => `(${quote(w)}, ${hugeint(mau ? 1n : rateOf(workloads, w))})`).join(', ');
        metricCtes.push(`u${i} AS (
  SELECT u.tenant_id, u.month AS m, sum(u.units_e4::HUGEINT * r.rate) AS q FROM usage u JOIN (VALUES ${rates}) r(w, rate) ON r.w = u.workload
  WHERE u.month IN (${mc}, ${mb}) GROUP BY ALL),
m${i} AS (
  SELECT partner_id, sum(cur) AS cur, sum(base) AS base FROM (
    SELECT c.partner_id, u.q AS cur, 0 AS base FROM ${credit} c JOIN u${i} u ON u.tenant_id = c.tenant_id AND u.m = ${mc} WHERE c.m = ${mc}
    UNION ALL
    SELECT c.partner_id, 0 AS cur, u.q AS base FROM ${credit} c JOIN u${i} u ON u.tenant_id = c.tenant_id AND u.m = ${mb}
    WHERE c.m = ${metric.cohort === 'each-month' ? mb : mc})
  GROUP BY ALL)`);
        join(`m${i}`);
        const cur = `coalesce(m${i}.cur, 0)::HUGEINT`;
        const base = `coalesce(m${i}.base, 0)::HUGEINT`;
        const gate = `(${base} > 0 AND ${perSegment(version, metric.baselineGate, ([n, d]) => `${base} * ${d} >= ${hugeint(n * scale)}`, 'TRUE')})`;
        const [fn, fd] = fullOf(metric);
        measure(
          `CASE WHEN ${gate} THEN (${cur} - ${base}) * 100 ELSE 0::HUGEINT END`,
          `CASE WHEN ${gate} THEN ${base} ELSE 1::HUGEINT END`,
          [`CASE WHEN ${gate} THEN ${fn} ELSE NULL END`, `CASE WHEN ${gate} THEN ${fd} ELSE NULL END`],
        );
        break;
      }
      case 'usage-crossings': {
        const products = productsOf(metric.workloads);
        const credit = tenantCreditOf(metric.associations, products, [M]);
        const lo = M + metric.crossing.from;
        const hi = M + metric.crossing.to;
        const mb = M + metric.baseline;
        const weight =
          metric.count === 'tenants'
            ? '1'
            : metric.instanceGroup === undefined
              ? '0'
              : `coalesce((SELECT count(*) FROM instances n WHERE n.tenant_id = c.tenant_id AND n.production AND n.grp = ${quote(metric.instanceGroup)}), 0)`;
        const crossed = perSegment(
          version,
          metric.usageThreshold,
          ([n, d]) => `x.ub * ${d} < ${hugeint(n * UNIT_SCALE)} AND x.umax * ${d} >= ${hugeint(n * UNIT_SCALE)}`,
          'x.ub < 0 AND x.umax >= 0',
        );
        metricCtes.push(`u${i} AS (
  SELECT tenant_id, month AS m, sum(units_e4)::HUGEINT AS q FROM usage
  WHERE workload IN (${list(metric.workloads)}) AND month BETWEEN ${Math.min(lo, mb)} AND ${Math.max(hi, mb)} GROUP BY ALL),
x${i} AS (
  SELECT c.partner_id, c.tenant_id, coalesce(b.q, 0) AS ub, coalesce(w.umax, 0) AS umax, ${weight} AS weight
  FROM ${credit} c LEFT JOIN u${i} b ON b.tenant_id = c.tenant_id AND b.m = ${mb}
  LEFT JOIN (SELECT tenant_id, max(q) AS umax FROM u${i} WHERE m BETWEEN ${lo} AND ${hi} GROUP BY ALL) w ON w.tenant_id = c.tenant_id
  WHERE c.m = ${M}),
m${i} AS (
  SELECT x.partner_id, sum(CASE WHEN ${crossed} THEN x.weight ELSE 0 END) AS v
  FROM x${i} x JOIN segments g ON g.partner_id = x.partner_id GROUP BY ALL)`);
        join(`m${i}`);
        measure(`coalesce(m${i}.v, 0)::HUGEINT`, hugeint(1n));
        break;
      }
      default:
        throw new Error(`metric kind ${metric.kind} is not written in SQL`);
    }
  });

  // Credit CTEs, now that every metric has said which months it reads.
  const creditCtes = [...rules.values()].flatMap((entry) => {
    const { eligible, displaces } = entry.rule;
    const live = (x) => `${x}.from_m <= mo.m AND (${x}.to_m IS NULL OR mo.m <= ${x}.to_m)`;
    const displaced = displaces
      .map((d) => ({ by: d.by.filter((t) => eligible.includes(t)), over: d.over }))
      .filter((d) => d.by.length > 0)
      .map(
        (d) =>
          `AND NOT (a.type IN (${list(d.over)}) AND EXISTS (SELECT 1 FROM associations b WHERE b.subscription_id = a.subscription_id AND b.type IN (${list(d.by)}) AND ${live('b')}))`,
      )
      .join('\n    ');
    const months = [...entry.months].sort((a, b) => a - b);
    return [
      `${entry.name} AS MATERIALIZED (
  SELECT DISTINCT a.partner_id, a.subscription_id, mo.m
  FROM associations a JOIN subscriptions s ON s.id = a.subscription_id AND s.paid
  JOIN (SELECT unnest([${months.join(', ')}]) AS m) mo ON ${live('a')}
  WHERE a.type IN (${list(eligible)})
    ${displaced})`,
      ...[...entry.tenants.values()].map(
        (t) => `${t.name} AS MATERIALIZED (
  SELECT DISTINCT c.partner_id, s.tenant_id, c.m FROM ${entry.name} c JOIN subscriptions s ON s.id = c.subscription_id
  WHERE s.product IN (${list(t.products)}) AND c.m IN (${[...t.months].join(', ')}))`,
      ),
    ];
  });

  // Points, exact, then totals and bands: one layer of columns per step, each reading only the layer before it
  // (DuckDB inlines a column alias where it is used: chained in one SELECT, the expressions would double at each step).
  const layers = [[], [], []];
  metrics.forEach(({ metric }, i) => {
    const [mn, md] = fraction(metric.points.max);
    const v = metric.points.clampAtZero ? `greatest(v${i}n, 0)` : `v${i}n`;
    const vd = `v${i}d`;
    const pu = [0, 1].map((part) =>
      perSegment(version, metric.points.perUnit, (f) => hugeint(f[part]), hugeint(part === 0 ? 0n : 1n), 'segment'),
    );
    const branch = (rest, part) =>
      `CASE WHEN f${i}n IS NULL THEN ${part === 'n' ? 0 : 1} WHEN ${v} * f${i}d >= f${i}n * ${vd} THEN ${part === 'n' ? mn : md} ${rest} END`;
    let rawN;
    let rawD;
    if (metric.points.partial === 'all-or-nothing') {
      rawN = branch('ELSE 0', 'n');
      rawD = branch('ELSE 1', 'd');
    } else if (metric.points.partial === 'per-unit') {
      const under = `(${pu[0]}) * ${v} * ${md} <= ${mn} * (${pu[1]}) * ${vd}`;
      rawN = branch(`WHEN ${under} THEN (${pu[0]}) * ${v} ELSE ${mn}`, 'n');
      rawD = branch(`WHEN ${under} THEN (${pu[1]}) * ${vd} ELSE ${md}`, 'd');
    } else {
      rawN = branch(`WHEN f${i}n <= 0 THEN ${mn} ELSE ${mn} * ${v} * f${i}d`, 'n');
      rawD = branch(`WHEN f${i}n <= 0 THEN ${md} ELSE ${md} * ${vd} * f${i}n`, 'd');
    }
    layers[0].push(`(${rawN})::HUGEINT AS r${i}n`, `(${rawD})::HUGEINT AS r${i}d`);
    const { mode, step } = metric.points.rounding;
    if (mode === 'none') layers[1].push(`r${i}n AS q${i}n`, `r${i}d AS q${i}d`);
    else {
      const [sn, sd] = fraction(step);
      const steps =
        mode === 'floor'
          ? floorDiv(`r${i}n * ${sd}`, `r${i}d * ${sn}`)
          : floorDiv(`2 * r${i}n * ${sd} + r${i}d * ${sn}`, `2 * r${i}d * ${sn}`);
      layers[1].push(`${steps} * ${sn} AS q${i}n`, `${hugeint(sd)} AS q${i}d`);
    }
    layers[2].push(`q${i}n // gcd(q${i}n, q${i}d) AS p${i}n`, `q${i}d // gcd(q${i}n, q${i}d) AS p${i}d`);
  });

  // Totals per path (fractions summed pairwise, reduced at each step), the minimum, the bands.
  const bands = [...version.bands].map((b) => ({ id: b.id, from: fraction(b.from) }));
  bands.sort((a, b) => (a.from[0] * b.from[1] < b.from[0] * a.from[1] ? -1 : a.from[0] * b.from[1] > b.from[0] * a.from[1] ? 1 : 0));
  const minimum = version.minimumPerMetric && { m: fraction(version.minimumPerMetric.points), strict: version.minimumPerMetric.strict };
  const layer = (k) => (layers[k] ??= []);
  const final = [];
  version.paths.forEach((path, p) => {
    const ids = metrics.flatMap((x, i) => (x.p === p ? [i] : []));
    layer(3).push(`p${ids[0]}n AS t${p}_0n`, `p${ids[0]}d AS t${p}_0d`);
    ids.slice(1).forEach((i, k) => {
      const a = `t${p}_${k}`;
      const b = `t${p}_${k + 1}`;
      layer(4 + 2 * k).push(`${a}n * p${i}d + p${i}n * ${a}d AS ${b}an`, `${a}d * p${i}d AS ${b}ad`);
      layer(5 + 2 * k).push(`${b}an // gcd(${b}an, ${b}ad) AS ${b}n`, `${b}ad // gcd(${b}an, ${b}ad) AS ${b}d`);
    });
    const last = `t${p}_${ids.length - 1}`;
    const blocked = minimum
      ? ids.map((i) => `p${i}n * ${minimum.m[1]} ${minimum.strict ? '<=' : '<'} ${minimum.m[0]} * p${i}d`).join(' OR ')
      : 'FALSE';
    const reached = [...bands]
      .map((b, r) => ({ ...b, r }))
      .reverse()
      .map((b) => `WHEN ${last}n * ${b.from[1]} >= ${b.from[0]} * ${last}d THEN ${b.r}`)
      .join(' ');
    final.push(`${last}n AS total${p}n`, `${last}d AS total${p}d`, `CASE WHEN ${blocked} THEN -1 ${reached} ELSE -1 END AS rank${p}`);
  });
  const bandOf = (rank) => `CASE ${rank} ${bands.map((b, r) => `WHEN ${r} THEN ${quote(b.id)}`).join(' ')} ELSE NULL END`;
  const best = version.paths.length === 1 ? 'rank0' : `greatest(${version.paths.map((_, p) => `rank${p}`).join(', ')})`;
  const chain = [...layers, final]
    .filter((l) => l !== undefined && l.length > 0)
    .map((l, k) => `step${k} AS (SELECT *, ${l.join(',\n    ')} FROM ${k === 0 ? 'measures' : `step${k - 1}`})`);
  const lastLayer = `step${chain.length - 1}`;

  const sql = `
WITH ${countries ? `markets(country, market) AS (VALUES ${countries}),\n` : ''}${[...creditCtes, ...segmentCtes].join(',\n')},
segments AS MATERIALIZED (${segment}),
${[...certifiedCtes, ...metricCtes].join(',\n')},
measures AS (
  SELECT g.partner_id, g.segment,
    ${measures.join(',\n    ')}
  FROM segments g
  ${joins.join('\n  ')}
),
${chain.join(',\n')}
SELECT partner_id, segment, ${metrics.map((_, i) => `p${i}n, p${i}d`).join(', ')},
    ${version.paths.map((_, p) => `total${p}n, total${p}d, ${bandOf(`rank${p}`)} AS band${p}`).join(',\n    ')},
    ${bandOf(best)} AS band
FROM ${lastLayer}`;
  return { sql, metrics: metrics.map(({ p, k }, i) => ({ path: p, metric: k, column: `p${i}` })) };
}

function rateOf(workloads, w) {
  const rate = workloads.get(w)?.rate;
  return rate === undefined ? 0n : scaled(rate);
}

function lastDay(month) {
  const year = Math.floor(month / 12);
  const m = month - year * 12 + 1;
  const first = `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-01`;
  const next = addMonthsToDate(first, 1);
  return new Date(Date.parse(next) - 86_400_000).toISOString().slice(0, 10);
}
