/**
 * A partner's score under the scored programs (PCI, PCS; docs/rules.md §15)
 * in a month: per path the total, the band (or qualification) and each
 * metric's value, full-points value, points earned of possible and what the
 * next point costs — the API's numbers (`GET /partners/{id}/score`, the JSON
 * `attain score` prints), with the names of the scored version
 * (`GET /scored-versions`) in the dashboard's language; for PCS, the status on
 * the month's last day with its qualification or renewal window and the
 * enrolment it read (docs/rules.md §15.6). Shown only when the
 * partner has scoring records: the score's 404 hides the section.
 *
 * Under each path, the cheapest way to the next band (for PCS: to
 * qualification) — the scored plan the API answers
 * (`GET /partners/{id}/score/plan`, the JSON `attain plan --scored` prints):
 * the metrics to move, from which value to which, the points gained and the
 * cost in its unit and in units of cost, and the total cost.
 */
import { useEffect, useId, useState } from 'react';
import {
  ApiError,
  query,
  request,
  type PartnerScore,
  type PartnerScoredPlan,
  type ScoredPathPlan,
  type ScoredVersionList,
  type ScoredVersionSummary,
} from './api.ts';
import { useTexts, type Texts } from './i18n.tsx';
import { useDataVersion } from './live.tsx';
import { ErrorMessage, LevelBadge } from './widgets.tsx';

type Metric = PartnerScore['paths'][number]['metrics'][number];
type Status = NonNullable<PartnerScore['status']>;
type CostUnit = NonNullable<Metric['next']>['costUnit'];

let scoredVersions: Promise<ScoredVersionList> | undefined;

/** The scored versions, asked for once (they change only with the server's definitions). */
function versionList(): Promise<ScoredVersionList> {
  scoredVersions ??= request<ScoredVersionList>('GET', '/api/v1/scored-versions').catch((error: unknown) => {
    scoredVersions = undefined;
    throw error;
  });
  return scoredVersions;
}

function scorePath(partnerId: string, month: string): string {
  return `/api/v1/partners/${encodeURIComponent(partnerId)}/score${query({ month })}`;
}

function planPath(partnerId: string, month: string): string {
  return `/api/v1/partners/${encodeURIComponent(partnerId)}/score/plan${query({ month })}`;
}

/** Scores and plans asked for with the page's other data (preloadScore), each taken once by the section. */
const early = new Map<string, Promise<unknown>>();

/** Asks for the partner's score and plan of the month, and the scored versions, beside the page's other data: the section finds them under way. */
export function preloadScore(partnerId: string, month: string): void {
  // One page at a time: what an earlier page asked for and never showed is dropped.
  early.clear();
  for (const path of [scorePath(partnerId, month), planPath(partnerId, month)]) {
    const answer = request<unknown>('GET', path);
    answer.catch(() => undefined);
    early.set(path, answer);
  }
  versionList().catch(() => undefined);
}

/** The answer at `path`: the one asked for early, or a new request (`T`: the path's answer, as scorePath and planPath say). */
function answerOf<T>(path: string): Promise<T> {
  const found = early.get(path) as Promise<T> | undefined;
  early.delete(path);
  return found ?? request<T>('GET', path);
}

/** Points as `attain score` writes them: to the hundredth, in the locale's digits. */
function pointsText(tx: Texts, decimal: string): string {
  return new Intl.NumberFormat(tx.locale, { maximumFractionDigits: 2 }).format(Number(decimal));
}

/** An amount in a metric's unit (cents as dollars, a percentage, people, customers…), in the reader's words. */
function amountText(tx: Texts, unit: CostUnit, text: string): string {
  const n = Number(text);
  if (unit === 'usd-cents') return tx.usdCents(n / 100);
  if (unit === 'percent') return tx.percent(n);
  return tx.t('score.quantity', { unit: unit === 'active-users' ? 'activeUsers' : unit, count: n });
}

/** The plan beside the score: none (not asked yet, or no plan to show), the API's plan, or why it failed. */
type PlanShown =
  | { readonly kind: 'none' }
  | { readonly kind: 'plan'; readonly plan: PartnerScoredPlan }
  | { readonly kind: 'error'; readonly message: string };

/** Names in the dashboard's language: a band's and a metric's of the path. */
interface Namer {
  readonly band: (id: string | null) => string;
  readonly metric: (id: string) => string;
}

/**
 * One path's plan: to the band aimed at, the moves of least total cost — each ladder's metrics, its value now and
 * the value needed, its points before and after, what more it needs and what that costs in units of cost — and
 * the total; or why the band cannot be reached. Nothing for a path at the top band.
 */
function PathPlan({
  plan,
  pathTitle,
  qualify,
  names,
  tx,
}: {
  plan: ScoredPathPlan;
  pathTitle: string;
  qualify: boolean;
  names: Namer;
  tx: Texts;
}) {
  if (plan.target === null || plan.outcome === 'top' || plan.outcome === 'reached') return null;
  const band = names.band(plan.target.band);
  const title = tx.t('score.plan.title', { qualify: qualify ? 'yes' : 'no', band });
  const unitOf = new Map(plan.ladders.map((l) => [l.metrics[0]?.id ?? '', l.unit]));
  const ladderName = (metrics: readonly string[]): string => metrics.map(names.metric).join(', ');
  return (
    <div className="score-plan" data-testid="score-plan" data-outcome={plan.outcome} data-target={plan.target.band}>
      <h4>{title}</h4>
      {plan.outcome === 'unreachable' ? (
        <>
          <p className="short">{tx.t('score.plan.unreachable', { band })}</p>
          <ul data-testid="plan-reasons">
            {(plan.reasons ?? []).map((r, i) => (
              <li key={i} data-code={r.code}>
                {r.code === 'maximumBelowTarget'
                  ? tx.t('score.plan.reason.maximumBelowTarget', {
                      maximum: pointsText(tx, r.maximum.decimal),
                      needed: pointsText(tx, r.needed.decimal),
                      band,
                    })
                  : tx.t(`score.plan.reason.${r.code}`, { metric: names.metric(r.metric) })}
              </li>
            ))}
          </ul>
        </>
      ) : plan.plan ? (
        <>
          <div className="score-metrics" role="region" aria-label={tx.t('score.plan.caption', { path: pathTitle, band })} tabIndex={0}>
            <table className="compact score-table">
              <thead>
                <tr>
                  <th scope="col">{tx.t('score.column.metric')}</th>
                  <th scope="col" className="num">
                    {tx.t('score.plan.column.from')}
                  </th>
                  <th scope="col" className="num">
                    {tx.t('score.plan.column.to')}
                  </th>
                  <th scope="col" className="num">
                    {tx.t('score.plan.column.points')}
                  </th>
                  <th scope="col">{tx.t('score.plan.column.cost')}</th>
                </tr>
              </thead>
              <tbody>
                {plan.plan.moves.map((m) => {
                  const unit = unitOf.get(m.metrics[0] ?? '') ?? m.costUnit;
                  const gained = Number(m.to.total.decimal) - Number(m.from.total.decimal);
                  return (
                    <tr key={m.metrics.join(' ')} data-move={m.metrics.join(' ')}>
                      <th scope="row">{ladderName(m.metrics)}</th>
                      <td className="num" data-label={tx.t('score.plan.column.from')} data-value={m.from.value}>
                        {amountText(tx, unit, m.from.value)}
                      </td>
                      <td className="num" data-label={tx.t('score.plan.column.to')} data-value={m.to.value}>
                        {amountText(tx, unit, m.to.value)}
                      </td>
                      <td
                        className="num"
                        data-label={tx.t('score.plan.column.points')}
                        data-from={m.from.total.exact}
                        data-to={m.to.total.exact}
                      >
                        {tx.t('score.plan.points', {
                          from: pointsText(tx, m.from.total.decimal),
                          to: pointsText(tx, m.to.total.decimal),
                          gained: pointsText(tx, String(gained)),
                        })}
                      </td>
                      <td data-label={tx.t('score.plan.column.cost')} data-more={m.to.more} data-cost={m.to.cost.exact}>
                        {tx.t('score.plan.cost', {
                          amount: amountText(tx, m.costUnit, m.to.more),
                          cost: pointsText(tx, m.to.cost.decimal),
                        })}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p data-testid="plan-total" data-cost={plan.plan.cost.exact} data-total={plan.plan.total.exact}>
            {tx.t('score.plan.total', { cost: pointsText(tx, plan.plan.cost.decimal), total: pointsText(tx, plan.plan.total.decimal) })}
          </p>
          <p className="muted" data-testid="plan-units">
            {tx.t('score.plan.units', {
              units: [...new Set(plan.plan.moves.map((m) => amountText(tx, m.costUnit, m.unitOfCost)))].join(', '),
            })}
          </p>
        </>
      ) : null}
    </div>
  );
}

type Shown =
  | { readonly kind: 'nothing' }
  | { readonly kind: 'score'; readonly score: PartnerScore; readonly version: ScoredVersionSummary | undefined }
  | { readonly kind: 'error'; readonly message: string };

export function ScoreSection({ partnerId, pageDate: asOf }: { partnerId: string; pageDate: string }) {
  const tx = useTexts();
  const monthId = useId();
  const [month, setMonth] = useState(asOf.slice(0, 7));
  const [shown, setShown] = useState<Shown>({ kind: 'nothing' });
  const [planShown, setPlanShown] = useState<PlanShown>({ kind: 'none' });
  const dataVersion = useDataVersion();

  // The evaluation month follows the page's date.
  useEffect(() => setMonth(asOf.slice(0, 7)), [asOf]);

  useEffect(() => {
    let live = true;
    Promise.all([answerOf<PartnerScore>(scorePath(partnerId, month)), versionList()]).then(
      ([score, list]) => live && setShown({ kind: 'score', score, version: list.versions.find((v) => v.effectiveFrom === score.version) }),
      (error: unknown) => {
        if (!live) return;
        // No scoring records (or none one may see): no section.
        if (error instanceof ApiError && error.status === 404) setShown({ kind: 'nothing' });
        else setShown({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
      },
    );
    // The plan beside it: its own failure leaves the score shown.
    answerOf<PartnerScoredPlan>(planPath(partnerId, month)).then(
      (plan) => live && setPlanShown({ kind: 'plan', plan }),
      (error: unknown) => {
        if (!live) return;
        if (error instanceof ApiError && error.status === 404) setPlanShown({ kind: 'none' });
        else setPlanShown({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => {
      live = false;
    };
  }, [partnerId, month, tx.locale, dataVersion]);

  if (shown.kind === 'nothing') return null;
  const version = shown.kind === 'score' ? shown.version : undefined;
  const bandName = (id: string | null): string => {
    const band = version?.bands.find((b) => b.id === id);
    return band ? tx.text(band.name, band.id) : id === null ? tx.t('score.noBand') : id;
  };
  // The segment (market, track) in the version's own words and the reader's language; its id only if it has no name.
  const segmentName = (id: string): string => {
    const segment = version?.segments.find((s) => s.id === id);
    return segment ? tx.text(segment.name, segment.id) : id;
  };
  return (
    <section aria-labelledby="score-title" className="score" data-testid="score">
      <div className="section-head">
        <h2 id="score-title">{tx.t('score.title')}</h2>
        <label htmlFor={monthId} className="score-month">
          <span>{tx.t('score.month')}</span>{' '}
          <input
            id={monthId}
            type="month"
            name="scoreMonth"
            value={month}
            onChange={(e) => {
              if (/^\d{4}-\d{2}$/.test(e.target.value)) setMonth(e.target.value);
            }}
          />
        </label>
      </div>
      {shown.kind === 'error' ? (
        <ErrorMessage message={shown.message} />
      ) : (
        <>
          <p className="muted" data-testid="score-facts">
            {tx.t('score.facts', {
              program: version ? tx.text(version.name, version.id) : '',
              kind: version?.kind ?? '',
              version: tx.date(shown.score.version),
              segment: segmentName(shown.score.segment),
            })}
          </p>
          <p data-testid="score-band" data-band={shown.score.band ?? 'none'}>
            <strong>{tx.t('score.band', { band: bandName(shown.score.band) })}</strong>
            {shown.score.qualificationWindow && shown.score.qualificationWindow.from !== shown.score.qualificationWindow.to ? (
              <>
                {' · '}
                {tx.t('score.window', {
                  from: shown.score.qualificationWindow.from,
                  to: shown.score.qualificationWindow.to,
                  band: bandName(shown.score.qualificationWindow.band),
                })}
              </>
            ) : null}
          </p>
          {shown.score.status ? <StatusLine status={shown.score.status} tx={tx} /> : null}
          <div className="cards">
            {shown.score.paths.map((path) => {
              const definition = version?.paths.find((p) => p.id === path.id);
              const metricName = (id: string): string => {
                const metric = definition?.metrics.find((m) => m.id === id);
                return metric ? tx.text(metric.name, id) : id;
              };
              const title = definition ? tx.text(definition.name, path.id) : path.id;
              return (
                <article key={path.id} className="card score-path" aria-label={title} data-path={path.id}>
                  <header className="card-head">
                    <h3>{title}</h3>
                    <LevelBadge level={path.band} label={bandName(path.band)} />
                  </header>
                  <p data-testid="path-total" data-exact={path.total.exact}>
                    {tx.t('score.total', {
                      total: pointsText(tx, path.total.decimal),
                      max: definition ? pointsText(tx, definition.maxPoints.decimal) : '',
                    })}
                  </p>
                  <div className="score-metrics" role="region" aria-label={tx.t('score.breakdown', { path: title })} tabIndex={0}>
                    <table className="compact score-table">
                      <thead>
                        <tr>
                          <th scope="col">{tx.t('score.column.metric')}</th>
                          <th scope="col" className="num">
                            {tx.t('score.column.value')}
                          </th>
                          <th scope="col" className="num">
                            {tx.t('score.column.full')}
                          </th>
                          <th scope="col" className="num">
                            {tx.t('score.column.points')}
                          </th>
                          <th scope="col">{tx.t('score.column.next')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {path.metrics.map((m) => (
                          <tr key={m.id} data-metric={m.id}>
                            <th scope="row">{metricName(m.id)}</th>
                            <td className="num" data-label={tx.t('score.column.value')} data-value={m.value}>
                              {amountText(tx, m.unit, m.value)}
                            </td>
                            <td className="num" data-label={tx.t('score.column.full')} data-value={m.full ?? ''}>
                              {m.full === null ? tx.t('score.cannotScore', { reason: m.note ?? 'other' }) : amountText(tx, m.unit, m.full)}
                            </td>
                            <td
                              className="num"
                              data-label={tx.t('score.column.points')}
                              data-points={m.points.exact}
                              data-max={m.max.exact}
                            >
                              {tx.t('score.points', { points: pointsText(tx, m.points.decimal), max: pointsText(tx, m.max.decimal) })}
                            </td>
                            <td data-label={tx.t('score.column.next')} data-more={m.next?.more ?? ''}>
                              {m.next
                                ? tx.t('score.more', {
                                    amount: amountText(tx, m.next.costUnit, m.next.more),
                                    points: Number(m.next.points),
                                  })
                                : m.full === null
                                  ? ''
                                  : tx.t('score.atMaximum')}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                  {path.belowMinimum.length > 0 ? (
                    <p className="short">{tx.t('score.belowMinimum', { metrics: path.belowMinimum.map(metricName).join(', ') })}</p>
                  ) : null}
                  {path.nextBand ? (
                    <p className="muted" data-testid="next-band">
                      {tx.t('score.nextBand', {
                        band: bandName(path.nextBand.id),
                        points: Math.round(Number(path.nextBand.pointsNeeded.decimal) * 100) / 100,
                      })}
                    </p>
                  ) : null}
                  {planShown.kind === 'error' ? (
                    <ErrorMessage message={planShown.message} />
                  ) : planShown.kind === 'plan' && planShown.plan.month === shown.score.month ? (
                    planShown.plan.paths
                      .filter((p) => p.path === path.id)
                      .map((p) => (
                        <PathPlan
                          key={p.path}
                          plan={p}
                          pathTitle={title}
                          qualify={version?.kind === 'PCS'}
                          names={{ band: bandName, metric: metricName }}
                          tx={tx}
                        />
                      ))
                  ) : null}
                </article>
              );
            })}
          </div>
        </>
      )}
    </section>
  );
}

/** A PCS status on the month's last day, its window and the enrolment it read, in the reader's words. */
function StatusLine({ status, tx }: { status: Status; tx: Texts }) {
  const { enrolment, window } = status;
  return (
    <p data-testid="score-status" data-status={status.status} data-window={`${window.kind} ${window.from} ${window.to}`}>
      <strong>
        {tx.t('score.status', {
          date: tx.date(status.date),
          status: status.status.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()),
          anniversary: status.anniversary === null ? 'none' : tx.date(status.anniversary),
        })}
      </strong>
      {' · '}
      {tx.t('score.statusWindow', { kind: window.kind, from: tx.date(window.from), to: tx.date(window.to) })}
      {' · '}
      {tx.t('score.enrolment', { kind: enrolment.kind, date: enrolment.date === null ? '' : tx.date(enrolment.date) })}
    </p>
  );
}
