/**
 * One partner: each option's level and every requirement against its
 * threshold (with the evidence), who holds which exams, TTM revenue over
 * the last 24 months against the thresholds, the plan to the next level
 * and the forecast — all as of the date picked; and, for a partner with
 * scoring records, its score under the scored programs (ScoreSection.tsx).
 */
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { useDataVersion } from './live.tsx';
import {
  ApiError,
  query,
  request,
  type EvaluationReport,
  type PartnerForecast,
  type PartnerPlan,
  type PartnerSummary,
  type PartnerTimeline,
  type ProgramDefinitionDocument,
  type ProgramList,
  type QualificationMatrix,
  type RequirementResult,
  type RevenueLine,
  type RevenueLinePage,
  type User,
} from './api.ts';
import { asIsoDate, isoDateOf, type IsoDate } from '../../src/engine/calendar.ts';
import { ttmWindow } from '../../src/engine/rules/ttm-window.ts';
import { chartStart, todayIso } from './dates.ts';
import { useTexts, type Texts } from './i18n.tsx';
import { Names, preloadDefinition, useDefinition } from './program.ts';
import { Link, useRouter } from './router.tsx';
import { preloadScore, ScoreSection } from './ScoreSection.tsx';
import { AsOfPicker, ErrorMessage, LevelBadge, Loading, Progress, ScrollRegion } from './widgets.tsx';

// The chart library is most of the page's weight: its own chunk, loaded beside the data.
const RevenueChart = lazy(() => import('./RevenueChart.tsx').then((m) => ({ default: m.RevenueChart })));

interface Data {
  summary: PartnerSummary;
  evaluation: EvaluationReport;
  plan: PartnerPlan;
  forecast: PartnerForecast;
  matrix: QualificationMatrix;
  timeline: PartnerTimeline | null;
  lines: readonly RevenueLine[];
}

let versionDates: Promise<string[]> | undefined;

/** The effective dates of the program's versions, in order (timelines cannot start before the first). */
function programVersions(): Promise<string[]> {
  versionDates ??= request<ProgramList>('GET', '/api/v1/programs')
    .then((r) => r.programs.flatMap((p) => p.versions.map((v) => v.effectiveFrom)).sort())
    .catch(() => []);
  return versionDates;
}

/** Revenue lines asked for per request, and the most pages read for one page's evidence. */
const LINES_PER_PAGE = 500;
const MOST_PAGES = 20;

/** Every revenue line of the TTM window the server judged (the lines the evidence names), pages read in parallel. */
async function windowLines(base: string, asOf: IsoDate): Promise<RevenueLine[]> {
  const ttm = ttmWindow(asOf);
  const page = (offset: number) =>
    request<RevenueLinePage>(
      'GET',
      `${base}/revenue${query({ from: isoDateOf(ttm.first), to: isoDateOf(ttm.last), limit: LINES_PER_PAGE, offset })}`,
    );
  const first = await page(0);
  const pages = Math.min(MOST_PAGES, Math.ceil(first.total / LINES_PER_PAGE));
  const rest = await Promise.all(Array.from({ length: Math.max(0, pages - 1) }, (_, i) => page((i + 1) * LINES_PER_PAGE)));
  return [first, ...rest].flatMap((p) => p.items);
}

/** Everything the page shows, asked for at once: only the timeline waits, for the program's first date. */
async function load(partnerId: string, asOf: IsoDate): Promise<Data> {
  const base = `/api/v1/partners/${encodeURIComponent(partnerId)}`;
  const q = query({ asOf });
  const versions = programVersions();
  // The score section's data too (its section shows once the page's data is in).
  preloadScore(partnerId, asOf.slice(0, 7));
  // The names of the version in force come with the data, not after it.
  void versions.then((dates) => {
    const inForce = dates.filter((d) => d <= asOf).at(-1);
    if (inForce) preloadDefinition(inForce);
  });
  const [summary, evaluation, plan, forecast, matrix, timeline, lines] = await Promise.all([
    request<PartnerSummary>('GET', `${base}${q}`),
    request<EvaluationReport>('GET', `${base}/evaluation${q}`),
    request<PartnerPlan>('GET', `${base}/plan${q}`),
    request<PartnerForecast>('GET', `${base}/forecast${q}`),
    request<QualificationMatrix>('GET', `${base}/qualifications${q}`),
    versions.then((dates) => {
      const from = chartStart(asOf, dates[0]);
      return from === null
        ? null
        : request<PartnerTimeline>('GET', `${base}/timeline${query({ from, to: asOf, step: 'month' })}`).catch(() => null);
    }),
    windowLines(base, asOf).catch(() => [] as RevenueLine[]),
  ]);
  return { summary, evaluation, plan, forecast, matrix, timeline, lines };
}

export function PartnerView({ partnerId, user }: { partnerId: string; user: User }) {
  const tx = useTexts();
  const { place, navigate } = useRouter();
  const given = place.params.get('asOf') ?? '';
  const asOf = asIsoDate(given) ?? todayIso();
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const dataVersion = useDataVersion();
  const shown = useRef('');

  useEffect(() => {
    let live = true;
    // Another partner or date starts blank; the same page fetched again after a pushed change keeps showing until the new data is in.
    const key = `${partnerId}|${asOf}|${tx.locale}`;
    if (shown.current !== key) setData(null);
    shown.current = key;
    setError(null);
    load(partnerId, asOf).then(
      (d) => live && setData(d),
      (e: unknown) => live && setError(e instanceof Error ? e : new Error(String(e))),
    );
    return () => {
      live = false;
    };
  }, [partnerId, asOf, tx.locale, dataVersion]);

  const definition = useDefinition(data?.evaluation.programVersion);
  const names = new Names(definition, tx);

  const setAsOf = (value: string) => navigate(`${place.path}?asOf=${value}`, { replace: true });

  if (error) {
    const status = error instanceof ApiError ? error.status : 0;
    return (
      <section aria-labelledby="partner-title" className="partner">
        <div className="page-head">
          <div>
            {user.role === 'program-admin' ? (
              <p className="crumbs">
                <Link to={`/?asOf=${asOf}`}>{tx.t('partner.back')}</Link>
              </p>
            ) : null}
            <h1 id="partner-title">{tx.t('partner.title', { id: partnerId })}</h1>
          </div>
          {/* The date stays changeable: a date before the first rules is one more pick away from one with rules. */}
          <AsOfPicker value={asOf} onChange={setAsOf} />
        </div>
        <ErrorMessage message={status === 404 ? tx.t('partner.notFound', { id: partnerId }) : error.message} />
      </section>
    );
  }

  return (
    <div className="partner">
      <div className="page-head">
        <div>
          {user.role === 'program-admin' ? (
            <p className="crumbs">
              <Link to={`/?asOf=${asOf}`}>{tx.t('partner.back')}</Link>
            </p>
          ) : null}
          <h1 id="partner-title">{data ? `${data.summary.name}` : tx.t('partner.title', { id: partnerId })}</h1>
          {data ? (
            <p className="muted">
              <WithId
                text={tx.t('partner.facts', {
                  id: ID_MARK,
                  country: data.summary.country,
                  market: names.market(data.summary.market),
                  version: tx.date(data.evaluation.programVersion),
                })}
                id={data.summary.id}
              />
            </p>
          ) : null}
          {data ? <Provenance definition={definition} publicationEnded={data.evaluation.publicationEnded} /> : null}
        </div>
        <AsOfPicker value={asOf} onChange={setAsOf} />
      </div>
      {!data ? (
        <Loading />
      ) : (
        <>
          <section aria-labelledby="levels-title">
            <h2 id="levels-title">{tx.t('partner.levels', { date: tx.date(asOf) })}</h2>
            <div className="cards">
              {data.evaluation.partners[0]?.competencies.flatMap((c) =>
                c.options.map((o) => (
                  <OptionCard
                    key={`${c.competency}/${o.option}`}
                    competency={c.competency}
                    option={o}
                    names={names}
                    lines={data.lines}
                    matrix={data.matrix}
                  />
                )),
              )}
            </div>
          </section>
          <ScoreSection partnerId={partnerId} pageDate={asOf} />
          <PlanSection plan={data.plan} names={names} matrix={data.matrix} />
          <ForecastSection forecast={data.forecast} names={names} />
          <MatrixSection matrix={data.matrix} names={names} />
          <section aria-labelledby="chart-title">
            <h2 id="chart-title">
              {!data.timeline || data.timeline.points.length === 0
                ? tx.t('chart.titleNone')
                : data.timeline.points.length === 1
                  ? tx.t('chart.titleOne', { date: tx.date(data.timeline.points[0]!.date) })
                  : tx.t('chart.title', {
                      from: tx.date(data.timeline.points[0]!.date),
                      to: tx.date(data.timeline.points.at(-1)!.date),
                    })}
            </h2>
            {data.timeline && data.timeline.points.length > 0 ? (
              <Suspense fallback={<Loading />}>
                <RevenueChart timeline={data.timeline} names={names} />
              </Suspense>
            ) : (
              <p className="muted">{tx.t('chart.none')}</p>
            )}
          </section>
        </>
      )}
    </div>
  );
}

/** Stands for an id in a message, so that the id can be set apart (never broken inside). */
const ID_MARK = '\u2063';

/** A message holding an id: the id kept whole. */
function WithId({ text, id }: { text: string; id: string }) {
  const [before, ...after] = text.split(ID_MARK);
  if (after.length === 0) return <>{text}</>;
  return (
    <>
      {before}
      <span className="id">{id}</span>
      {after.join(id)}
    </>
  );
}

function money(tx: Texts) {
  return (n: number) => tx.usd(n);
}

function OptionCard({
  competency,
  option,
  names,
  lines,
  matrix,
}: {
  competency: string;
  option: EvaluationReport['partners'][number]['competencies'][number]['options'][number];
  names: Names;
  lines: readonly RevenueLine[];
  matrix: QualificationMatrix;
}) {
  const tx = useTexts();
  const title = names.option(competency, option.option);
  return (
    <article className="card option-card" aria-label={title} data-option={option.option}>
      <header className="card-head">
        <h3>{title}</h3>
        <LevelBadge level={option.level} label={names.level(competency, option.option, option.level)} />
      </header>
      {option.levels.map((level) => (
        <section key={level.level} className="level" aria-label={`${title}: ${names.level(competency, option.option, level.level)}`}>
          <h4>
            {names.level(competency, option.option, level.level)}{' '}
            <span className={level.met ? 'met' : 'short'}>{level.met ? tx.t('level.met') : tx.t('level.notMet')}</span>
          </h4>
          <ul className="requirements">
            {level.requirements.map((r) => (
              <li key={r.id}>
                <RequirementRow
                  requirement={r}
                  label={names.requirement(
                    competency,
                    option.option,
                    level.level,
                    r.kind === 'any-of' ? (r.carriedBy ?? r.closest ?? r.id) : r.id,
                  )}
                  lines={lines}
                  matrix={matrix}
                />
              </li>
            ))}
          </ul>
        </section>
      ))}
    </article>
  );
}

/** Where the rules applied were read ("rules as published on …, source …"), and whether they are the last published. */
function Provenance({
  definition,
  publicationEnded,
}: {
  definition: ProgramDefinitionDocument | null;
  publicationEnded?: string | undefined;
}) {
  const tx = useTexts();
  const source = definition?.source;
  return (
    <>
      {typeof source === 'object' ? (
        <p className="muted provenance">
          {tx.t('partner.provenance', { date: tx.date(source.handoff), repository: source.repository, commit: source.commit.slice(0, 7) })}{' '}
          <a href={`https://github.com/${source.repository}/blob/${source.commit}/${source.path}`}>{source.path}</a>
        </p>
      ) : typeof source === 'string' ? (
        <p className="muted provenance">{tx.t('partner.source', { source })}</p>
      ) : null}
      {publicationEnded ? <p className="muted">{tx.t('partner.lastPublished', { date: tx.date(publicationEnded) })}</p> : null}
    </>
  );
}

function RequirementRow({
  requirement,
  label,
  lines,
  matrix,
}: {
  requirement: RequirementResult;
  label: string;
  lines: readonly RevenueLine[];
  matrix: QualificationMatrix;
}) {
  const tx = useTexts();
  const shown =
    requirement.kind === 'any-of'
      ? (requirement.alternatives.find((a) => a.id === (requirement.carriedBy ?? requirement.closest)) ?? requirement)
      : requirement;
  const isRevenue = shown.kind === 'revenue';
  const format = isRevenue ? money(tx) : (n: number) => tx.t('people.count', { count: n });
  const lineIds = shown.kind === 'revenue' ? shown.evidence.revenueLineIds : [];
  const personIds = shown.kind === 'certified-people' ? shown.evidence.personIds : [];
  const people = new Map(matrix.people.map((p) => [p.id, p.name] as const));
  // People requirements say one thing everywhere: "N qualifying of M required".
  const peopleText =
    !isRevenue && requirement.required !== null
      ? tx.t('people.qualifying', { count: requirement.actual, required: requirement.required })
      : undefined;
  return (
    <>
      {requirement.required === null ? (
        // Not a shortfall: no threshold was published for the partner's market.
        <div className="progress-row">
          <div className="progress-label">{label}</div>
          <div className="progress-figures short">{tx.t('requirement.noThreshold')}</div>
        </div>
      ) : (
        <Progress
          label={label}
          actual={requirement.actual}
          required={requirement.required}
          met={requirement.met}
          format={format}
          valueText={peopleText}
        />
      )}
      <details className="evidence">
        <summary>
          {isRevenue
            ? tx.t('evidence.lines', { count: lineIds.length })
            : (peopleText ?? tx.t('evidence.people', { count: personIds.length }))}
        </summary>
        {isRevenue ? (
          lineIds.length === 0 ? (
            <p className="muted">{tx.t('evidence.noLines')}</p>
          ) : (
            <EvidenceLines ids={lineIds} lines={lines} actual={shown.actual} />
          )
        ) : personIds.length === 0 ? (
          <p className="muted">{tx.t('evidence.noPeople')}</p>
        ) : (
          <ul className="people-list">
            {personIds.map((id) => (
              <li key={id}>
                {people.get(id) ?? id} <span className="muted id">({id})</span>
              </li>
            ))}
          </ul>
        )}
      </details>
    </>
  );
}

/**
 * The revenue lines behind a requirement: each line's amount as billed, its
 * currency, the month's rate and the dollars counted; credits said to be
 * credits; and the total, which is the requirement's actual.
 */
function EvidenceLines({ ids, lines, actual }: { ids: readonly string[]; lines: readonly RevenueLine[]; actual: number }) {
  const tx = useTexts();
  const byId = new Map(lines.map((l) => [l.id, l] as const));
  const shown = ids.map((id) => ({ id, line: byId.get(id) }));
  const cents = shown.reduce((sum, { line }) => sum + Math.round((line?.usd ?? 0) * 100), 0);
  const complete = shown.every(({ line }) => line?.usd !== undefined && line.usd !== null);
  const total = cents / 100;
  return (
    <div className="evidence-lines" role="region" aria-label={tx.t('evidence.lines', { count: ids.length })} tabIndex={0}>
      <table className="compact evidence-table">
        <thead>
          <tr>
            <th scope="col">{tx.t('evidence.line')}</th>
            <th scope="col">{tx.t('evidence.customer')}</th>
            <th scope="col" className="num">
              {tx.t('evidence.amountRate')}
            </th>
            <th scope="col" className="num">
              {tx.t('evidence.usd')}
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map(({ id, line }) => {
            const credit = line !== undefined && Number(line.amount) < 0;
            return (
              <tr key={id} className={credit ? 'credit' : undefined} data-line={id}>
                <th scope="row">
                  <span className="id">{id}</span>
                  {line ? <span className="sub muted">{tx.date(line.date)}</span> : null}
                </th>
                <td data-label={tx.t('evidence.customer')}>
                  {line ? line.customerName : ''}
                  {line ? <span className="sub muted id">{line.product}</span> : null}
                </td>
                <td data-label={tx.t('evidence.amountRate')} className="num">
                  {line ? <span className="amount">{tx.money(Number(line.amount), line.currency)}</span> : null}
                  {credit ? <span className="credit-label">{tx.t('evidence.credit')}</span> : null}
                  {line?.usdPerUnit ? (
                    <span className="sub muted rate" title={`${tx.t('evidence.rate')}: ${line.usdPerUnit}`}>
                      {tx.t('evidence.times', { rate: tx.rate(Number(line.usdPerUnit)) })}
                    </span>
                  ) : null}
                </td>
                <td data-label={tx.t('evidence.usd')} className="num">
                  {line?.usd !== undefined && line.usd !== null ? tx.usdCents(line.usd) : ''}
                </td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              {tx.t('evidence.total')}
            </th>
            <td className="num" data-label={tx.t('evidence.total')} data-testid="evidence-total">
              {tx.usdCents(total)}
            </td>
          </tr>
        </tfoot>
      </table>
      {complete && Math.round(actual * 100) !== cents ? (
        <p className="short">{tx.t('evidence.mismatch', { actual: tx.usdCents(actual) })}</p>
      ) : null}
      {!complete ? <p className="muted">{tx.t('evidence.incomplete')}</p> : null}
    </div>
  );
}

function PlanSection({ plan, names, matrix }: { plan: PartnerPlan; names: Names; matrix: QualificationMatrix }) {
  const tx = useTexts();
  const people = new Map(matrix.people.map((p) => [p.id, p.name] as const));
  const personName = (id: string) => (id.startsWith('new-') ? tx.t('plan.newPerson', { n: id.slice(4) }) : (people.get(id) ?? id));
  return (
    <section aria-labelledby="plan-title">
      <h2 id="plan-title">{tx.t('plan.title')}</h2>
      {plan.targets.length === 0 ? <p className="muted">{tx.t('plan.nothing')}</p> : null}
      <div className="cards">
        {plan.targets.map((target) => (
          <article key={`${target.option}/${target.level}`} className="card plan-card" data-option={target.option}>
            <h3>
              {tx.t('plan.target', {
                level: names.level(target.competency, target.option, target.level),
                option: names.option(target.competency, target.option),
              })}
            </h3>
            {target.met ? (
              <p className="met">{tx.t('plan.met')}</p>
            ) : (
              <>
                <p>
                  <strong>{tx.t('plan.revenueToClose', { amount: tx.usd(target.revenueToClose) })}</strong>
                </p>
                {target.revenue.length > 0 ? (
                  <ul>
                    {target.revenue.map((r) => (
                      <li key={r.requirement}>
                        {r.shortfall === null
                          ? tx.t('plan.noThreshold', {
                              requirement: names.requirement(target.competency, target.option, target.level, r.requirement),
                            })
                          : tx.t('plan.revenueGap', {
                              requirement: names.requirement(target.competency, target.option, target.level, r.requirement),
                              amount: tx.usd(r.shortfall),
                            })}
                      </li>
                    ))}
                  </ul>
                ) : null}
                {!target.exams.feasible ? <p className="short">{tx.t('plan.infeasible')}</p> : null}
                {target.exams.assignments.length > 0 ? (
                  <table className="compact">
                    <caption>{tx.t('plan.exams', { passes: target.exams.additionalPasses, newPeople: target.exams.newPeople })}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{tx.t('plan.person')}</th>
                        <th scope="col">{tx.t('plan.examsToTake')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {target.exams.assignments.map((a) => (
                        <tr key={a.personId}>
                          <th scope="row">{personName(a.personId)}</th>
                          <td>
                            {a.exams.map((e) => (
                              <abbr key={e} title={names.exam(e)} className="exam">
                                {e}
                              </abbr>
                            ))}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : (
                  <p>{tx.t('plan.noExams')}</p>
                )}
              </>
            )}
          </article>
        ))}
      </div>
    </section>
  );
}

function ForecastSection({ forecast, names }: { forecast: PartnerForecast; names: Names }) {
  const tx = useTexts();
  return (
    <section aria-labelledby="forecast-title">
      <h2 id="forecast-title">{tx.t('forecast.title')}</h2>
      <ul className="forecast">
        {forecast.options.map((o) => (
          <li key={o.option} data-option={o.option}>
            <strong>{names.option(o.competency, o.option)}</strong>
            {': '}
            {o.level !== null ? (
              o.lapse ? (
                <span>
                  {tx.t('forecast.lapse', {
                    level: names.level(o.competency, o.option, o.level),
                    date: tx.date(o.lapse.date),
                    after: names.level(o.competency, o.option, o.lapse.levelAfter),
                  })}{' '}
                  {o.lapse.failing.length > 0
                    ? tx.t('forecast.cause', {
                        causes: o.lapse.failing.map((f) => names.requirement(o.competency, o.option, o.level!, f.requirement)).join('; '),
                      })
                    : null}
                </span>
              ) : (
                <span>{tx.t('forecast.noLapse', { level: names.level(o.competency, o.option, o.level) })}</span>
              )
            ) : (
              <span>{tx.t('forecast.noLevel')}</span>
            )}{' '}
            {o.projection ? (
              <span>
                {o.projection.reachedOn
                  ? tx.t('forecast.reach', {
                      level: names.level(o.competency, o.option, o.projection.level),
                      date: tx.date(o.projection.reachedOn),
                    })
                  : tx.t('forecast.blocked', { level: names.level(o.competency, o.option, o.projection.level) })}
              </span>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * Who holds which exam: a row per person, its name column fixed while the
 * rest scrolls; each people requirement's column first (who counts, who is
 * one exam away, and the counts), then a column per exam.
 */
function MatrixSection({ matrix, names }: { matrix: QualificationMatrix; names: Names }) {
  const tx = useTexts();
  const label = (r: QualificationMatrix['requirements'][number]) =>
    `${names.option(r.competency, r.option)} · ${names.level(r.competency, r.option, r.level)}`;
  return (
    <section aria-labelledby="matrix-title">
      <h2 id="matrix-title">{tx.t('matrix.title')}</h2>
      <p className="muted">{tx.t('matrix.intro')}</p>
      {matrix.people.length === 0 ? (
        <p className="muted">{tx.t('matrix.noPeople')}</p>
      ) : (
        <ScrollRegion labelledBy="matrix-title" cue={tx.t('matrix.scrollCue')}>
          <table className="matrix" data-testid="matrix">
            <thead>
              <tr>
                <th scope="col" className="sticky-col">
                  {tx.t('matrix.person')}
                </th>
                {matrix.requirements.map((r, i) => (
                  <th scope="col" key={i} className="req-col">
                    {label(r)}
                  </th>
                ))}
                {matrix.exams.map((e) => (
                  <th scope="col" key={e} className="exam-col">
                    <abbr title={names.exam(e)} className="exam">
                      {e}
                    </abbr>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {matrix.people.map((p) => (
                <tr key={p.id}>
                  <th scope="row" className="sticky-col">
                    {p.name} <span className="muted id">({p.id})</span>
                  </th>
                  {matrix.requirements.map((r, i) => {
                    const status = r.people.find((x) => x.personId === p.id);
                    const missing = status?.missing ?? null;
                    const cls = missing === 0 ? 'qualifies' : missing === 1 ? 'one-away' : 'far';
                    return (
                      <td key={i} className={cls} data-status={cls}>
                        {missing === 0
                          ? tx.t('matrix.qualifies')
                          : missing === null
                            ? tx.t('matrix.cannot')
                            : missing === 1
                              ? tx.t('matrix.oneAway', { exam: status!.exams[0] ?? '' })
                              : tx.t('matrix.needs', { count: missing })}
                      </td>
                    );
                  })}
                  {matrix.exams.map((e) => {
                    const held = p.exams.includes(e);
                    return (
                      <td key={e} className={held ? 'held' : 'not-held'}>
                        <span aria-hidden="true">{held ? '✓' : '·'}</span>
                        <span className="visually-hidden">{held ? tx.t('matrix.held') : tx.t('matrix.notHeld')}</span>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" className="sticky-col">
                  {tx.t('matrix.total')}
                </th>
                {matrix.requirements.map((r, i) => (
                  <td key={i} className="counted">
                    {tx.t('matrix.counted', {
                      count: r.people.filter((x) => x.missing === 0).length,
                      required: r.required,
                      oneAway: r.people.filter((x) => x.missing === 1).length,
                    })}
                  </td>
                ))}
                {matrix.exams.map((e) => (
                  <td key={e}>{tx.number(matrix.people.filter((p) => p.exams.includes(e)).length)}</td>
                ))}
              </tr>
            </tfoot>
          </table>
        </ScrollRegion>
      )}
    </section>
  );
}
