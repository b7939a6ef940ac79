/**
 * One partner: each option's level and every requirement against its
 * threshold (with the evidence), who holds which exams, TTM revenue over
 * the last 24 months against the thresholds, the plan to the next level
 * and the forecast — all as of the date picked.
 */
import { useEffect, useRef, useState } from 'react';
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
import { addMonths, asIsoDate, dayNumberOf, formatIsoDate, fromDayNumber, isoDateOf, type IsoDate } from '../../src/engine/calendar.ts';
import { ttmWindow } from '../../src/engine/rules/ttm-window.ts';
import { RevenueChart } from './RevenueChart.tsx';
import { todayIso } from './dates.ts';
import { useTexts, type Texts } from './i18n.tsx';
import { Names, useDefinition } from './program.ts';
import { Link, useRouter } from './router.tsx';
import { AsOfPicker, ErrorMessage, LevelBadge, Loading, Progress } from './widgets.tsx';

interface Data {
  summary: PartnerSummary;
  evaluation: EvaluationReport;
  plan: PartnerPlan;
  forecast: PartnerForecast;
  matrix: QualificationMatrix;
  timeline: PartnerTimeline | null;
  lines: readonly RevenueLine[];
}

let firstVersion: Promise<string | null> | undefined;

/** The first date any rules are in force (timelines cannot start before it). */
function programStart(): Promise<string | null> {
  firstVersion ??= request<ProgramList>('GET', '/api/v1/programs')
    .then((r) => r.programs.flatMap((p) => p.versions.map((v) => v.effectiveFrom)).sort()[0] ?? null)
    .catch(() => null);
  return firstVersion;
}

/** The same day `months` months earlier, clamped to the month's end as the engine steps months. */
function monthsBefore(date: IsoDate, months: number): IsoDate {
  return formatIsoDate(addMonths(fromDayNumber(dayNumberOf(date)), -months));
}

async function load(partnerId: string, asOf: IsoDate): Promise<Data> {
  const base = `/api/v1/partners/${encodeURIComponent(partnerId)}`;
  const q = query({ asOf });
  const start = await programStart();
  let from: string = monthsBefore(asOf, 24);
  if (start && from < start) from = start;
  // The revenue lines the evaluation's evidence can name: those of the TTM window the server judged.
  const ttm = ttmWindow(asOf);
  const [summary, evaluation, plan, forecast, matrix, timeline, lines] = await Promise.all([
    request<PartnerSummary>('GET', `${base}${q}`),
    request<EvaluationReport>('GET', `${base}/evaluation${q}`),
    request<PartnerPlan>('GET', `${base}/plan${q}`),
    request<PartnerForecast>('GET', `${base}/forecast${q}`),
    request<QualificationMatrix>('GET', `${base}/qualifications${q}`),
    from <= asOf ? request<PartnerTimeline>('GET', `${base}/timeline${query({ from, to: asOf, step: 'month' })}`).catch(() => null) : null,
    request<RevenueLinePage>('GET', `${base}/revenue${query({ from: isoDateOf(ttm.first), to: isoDateOf(ttm.last), limit: 500 })}`)
      .then((r) => r.items)
      .catch(() => []),
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
      <section aria-labelledby="partner-title">
        <h1 id="partner-title">{tx.t('partner.title', { id: partnerId })}</h1>
        <ErrorMessage message={status === 404 ? tx.t('partner.notFound', { id: partnerId }) : error.message} />
        {user.role === 'program-admin' ? <Link to={`/?asOf=${asOf}`}>{tx.t('partner.back')}</Link> : null}
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
              {tx.t('partner.facts', {
                id: data.summary.id,
                country: data.summary.country,
                market: names.market(data.summary.market),
                version: tx.date(data.evaluation.programVersion),
              })}
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
          <PlanSection plan={data.plan} names={names} matrix={data.matrix} />
          <ForecastSection forecast={data.forecast} names={names} />
          <MatrixSection matrix={data.matrix} names={names} />
          <section aria-labelledby="chart-title">
            <h2 id="chart-title">{tx.t('chart.title')}</h2>
            {data.timeline ? <RevenueChart timeline={data.timeline} names={names} /> : <p className="muted">{tx.t('chart.none')}</p>}
          </section>
        </>
      )}
    </div>
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
  const byId = new Map(lines.map((l) => [l.id, l] as const));
  const people = new Map(matrix.people.map((p) => [p.id, p.name] as const));
  return (
    <>
      {requirement.required === null ? (
        // Not a shortfall: no threshold was published for the partner's market.
        <div className="progress-row">
          <div className="progress-label">{label}</div>
          <div className="progress-figures short">{tx.t('requirement.noThreshold')}</div>
        </div>
      ) : (
        <Progress label={label} actual={requirement.actual} required={requirement.required} met={requirement.met} format={format} />
      )}
      <details className="evidence">
        <summary>
          {isRevenue ? tx.t('evidence.lines', { count: lineIds.length }) : tx.t('evidence.people', { count: personIds.length })}
        </summary>
        {isRevenue ? (
          lineIds.length === 0 ? (
            <p className="muted">{tx.t('evidence.noLines')}</p>
          ) : (
            <div className="table-scroll" role="region" aria-label={tx.t('evidence.lines', { count: lineIds.length })} tabIndex={0}>
              <table className="compact">
                <thead>
                  <tr>
                    <th scope="col">{tx.t('evidence.line')}</th>
                    <th scope="col">{tx.t('evidence.date')}</th>
                    <th scope="col">{tx.t('evidence.customer')}</th>
                    <th scope="col">{tx.t('evidence.product')}</th>
                    <th scope="col" className="num">
                      {tx.t('evidence.amount')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {lineIds.map((id) => {
                    const line = byId.get(id);
                    return (
                      <tr key={id}>
                        <th scope="row">{id}</th>
                        <td>{line ? tx.date(line.date) : ''}</td>
                        <td>{line?.customerId ?? ''}</td>
                        <td>{line?.product ?? ''}</td>
                        <td className="num">{line ? `${tx.number(Number(line.amount))} ${line.currency}` : ''}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )
        ) : personIds.length === 0 ? (
          <p className="muted">{tx.t('evidence.noPeople')}</p>
        ) : (
          <ul className="people-list">
            {personIds.map((id) => (
              <li key={id}>
                {people.get(id) ?? id} <span className="muted">({id})</span>
              </li>
            ))}
          </ul>
        )}
      </details>
    </>
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
        <div className="table-scroll" role="region" aria-labelledby="matrix-title" tabIndex={0}>
          <table className="matrix" data-testid="matrix">
            <thead>
              <tr>
                <th scope="col">{tx.t('matrix.person')}</th>
                {matrix.exams.map((e) => (
                  <th scope="col" key={e} className="exam-col">
                    <abbr title={names.exam(e)}>{e}</abbr>
                  </th>
                ))}
                {matrix.requirements.map((r, i) => (
                  <th scope="col" key={i} className="req-col">
                    {label(r)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {matrix.people.map((p) => (
                <tr key={p.id}>
                  <th scope="row">
                    {p.name} <span className="muted">({p.id})</span>
                  </th>
                  {matrix.exams.map((e) => {
                    const held = p.exams.includes(e);
                    return (
                      <td key={e} className={held ? 'held' : 'not-held'}>
                        <span aria-hidden="true">{held ? '✓' : '·'}</span>
                        <span className="visually-hidden">{held ? tx.t('matrix.held') : tx.t('matrix.notHeld')}</span>
                      </td>
                    );
                  })}
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
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{tx.t('matrix.total')}</th>
                {matrix.exams.map((e) => (
                  <td key={e}>{tx.number(matrix.people.filter((p) => p.exams.includes(e)).length)}</td>
                ))}
                {matrix.requirements.map((r, i) => (
                  <td key={i}>
                    {tx.t('matrix.counted', {
                      count: r.people.filter((x) => x.missing === 0).length,
                      required: r.required,
                      oneAway: r.people.filter((x) => x.missing === 1).length,
                    })}
                  </td>
                ))}
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </section>
  );
}
