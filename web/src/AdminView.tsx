/**
 * Every partner (program-admin): searched, filtered, sorted and paged by
 * the server (GET /api/v1/partners), with the count of partners at each
 * level of each option (GET /api/v1/partner-counts).
 */
import { useEffect, useId, useState } from 'react';
import { ApiError, query, request, type LevelCounts, type OptionOutlook, type PartnerList } from './api.ts';
import { asIsoDate } from '../../src/engine/calendar.ts';
import { todayIso } from './dates.ts';
import { useTexts } from './i18n.tsx';
import { useDataVersion } from './live.tsx';
import { Names, useDefinition } from './program.ts';
import { Link, useRouter } from './router.tsx';
import { AsOfPicker, ErrorMessage, LevelBadge } from './widgets.tsx';

type SortKey = 'id' | 'name' | 'country' | 'market' | 'lapse' | 'shortfallRatio' | 'revenueShortfall';

const PAGE_SIZES = [25, 50, 100];

export function AdminView() {
  const tx = useTexts();
  const dataVersion = useDataVersion();
  const { place, navigate } = useRouter();
  const given = place.params.get('asOf') ?? '';
  const asOf = asIsoDate(given) ?? todayIso();
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [market, setMarket] = useState('');
  const [country, setCountry] = useState('');
  const [optionLevel, setOptionLevel] = useState('');
  // The program manager's questions: who is about to lose a level, who is closest to the next one.
  const [lapsesWithin, setLapsesWithin] = useState('');
  const [nextWithin, setNextWithin] = useState('');
  const [sort, setSort] = useState<SortKey>('id');
  const [order, setOrder] = useState<'asc' | 'desc'>('asc');
  const [limit, setLimit] = useState(25);
  const [offset, setOffset] = useState(0);
  const [list, setList] = useState<PartnerList | null>(null);
  const [counts, setCounts] = useState<LevelCounts | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = {
    search: useId(),
    market: useId(),
    country: useId(),
    level: useId(),
    size: useId(),
    lapses: useId(),
    next: useId(),
  };

  // The search box is sent once typing pauses.
  useEffect(() => {
    const timer = setTimeout(() => {
      if (search.trim() === q) return;
      setQ(search.trim());
      setOffset(0);
    }, 250);
    return () => clearTimeout(timer);
  }, [search, q]);

  const [option, level] = optionLevel ? optionLevel.split('|') : [undefined, undefined];
  const filters = { asOf, q, market, country: country.trim() };
  const whole = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined);
  const outlookFilters = { lapsesWithin: whole(lapsesWithin), nextWithin: whole(nextWithin) };
  const listQuery = { ...filters, ...outlookFilters, option, level, sort, order };

  useEffect(() => {
    let live = true;
    setBusy(true);
    setError(null);
    Promise.all([
      request<PartnerList>('GET', `/api/v1/partners${query({ ...listQuery, limit, offset })}`),
      request<LevelCounts>('GET', `/api/v1/partner-counts${query(filters)}`),
    ]).then(
      ([l, c]) => {
        if (!live) return;
        setList(l);
        setCounts(c);
        setBusy(false);
      },
      (e: unknown) => {
        if (!live) return;
        setError(e instanceof ApiError ? e.message : String(e));
        setBusy(false);
      },
    );
    return () => {
      live = false;
    };
  }, [asOf, q, market, country, optionLevel, lapsesWithin, nextWithin, sort, order, limit, offset, tx.locale, dataVersion]);

  const definition = useDefinition(list?.programVersion);
  const names = new Names(definition, tx);
  const options = counts?.options ?? [];
  const markets = definition?.markets ?? [];

  const sortBy = (key: SortKey) => {
    if (sort === key) setOrder(order === 'asc' ? 'desc' : 'asc');
    else {
      setSort(key);
      setOrder('asc');
    }
    setOffset(0);
  };

  const total = list?.total ?? 0;
  const page = Math.floor(offset / limit) + 1;
  const pages = Math.max(1, Math.ceil(total / limit));

  const header = (key: SortKey, label: string) => (
    <th scope="col" aria-sort={sort === key ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="sort" onClick={() => sortBy(key)} data-sort={key}>
        {label}
        <span aria-hidden="true" className="sort-mark">
          {sort === key ? (order === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );

  /** The earliest lapse of the options shown, as a date. */
  const earliestLapse = (outlook: readonly OptionOutlook[]) => {
    const dates = outlook.flatMap((o) => (o.lapse ? [o.lapse.date] : [])).sort();
    return dates[0] ? tx.date(dates[0]) : undefined;
  };
  /** The smallest ratio of a next level's largest shortfall to its requirement, in percent. */
  const closestRatio = (outlook: readonly OptionOutlook[]) => {
    const ratios = outlook.flatMap((o) => (o.next?.largestShortfall.ratio != null ? [o.next.largestShortfall.ratio] : []));
    return ratios.length > 0 ? tx.t('admin.percentShort', { percent: Math.round(Math.min(...ratios) * 100) }) : '—';
  };
  const smallestRevenueGap = (outlook: readonly OptionOutlook[]) => {
    const gaps = outlook.flatMap((o) => (o.next?.revenueShortfall != null ? [o.next.revenueShortfall] : []));
    return gaps.length > 0 ? tx.usd(Math.min(...gaps)) : '—';
  };

  return (
    <div className="admin">
      <div className="page-head">
        <h1>{tx.t('admin.title')}</h1>
        <AsOfPicker value={asOf} onChange={(v) => navigate(`/?asOf=${v}`, { replace: true })} />
      </div>

      <section aria-labelledby="counts-title" className="counts">
        <h2 id="counts-title">{counts ? tx.t('admin.counts', { total: counts.total }) : tx.t('admin.countsUnknown')}</h2>
        <div className="cards">
          {options.map((o) => (
            <div className="card count-card" key={`${o.competency}/${o.option}`} data-option={o.option}>
              <h3>{names.option(o.competency, o.option)}</h3>
              <ul>
                {o.levels.map((l) => {
                  // Each count is a filter too: the list shows those partners (again: every partner).
                  const value = `${o.option}|${l.level ?? 'none'}`;
                  const chosen = optionLevel === value;
                  return (
                    <li key={l.level ?? 'none'} data-level={l.level ?? 'none'}>
                      <button
                        type="button"
                        className="count-filter"
                        aria-pressed={chosen}
                        onClick={() => {
                          setOptionLevel(chosen ? '' : value);
                          setOffset(0);
                        }}
                      >
                        <LevelBadge level={l.level} label={names.level(o.competency, o.option, l.level)} />{' '}
                        <span className="count">{tx.number(l.count)}</span>
                      </button>
                    </li>
                  );
                })}
              </ul>
            </div>
          ))}
        </div>
      </section>

      <form className="filters" role="search" aria-label={tx.t('admin.filters')} onSubmit={(e) => e.preventDefault()}>
        <label htmlFor={ids.search}>
          <span>{tx.t('admin.search')}</span>
          <input
            id={ids.search}
            type="search"
            name="q"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder={tx.t('admin.searchHint')}
          />
        </label>
        <div className="field">
          <label htmlFor={ids.market}>{tx.t('admin.market')}</label>
          <select
            id={ids.market}
            name="market"
            value={market}
            onChange={(e) => {
              setMarket(e.target.value);
              setOffset(0);
            }}
          >
            <option value="">{tx.t('admin.any')}</option>
            {markets.map((m) => (
              <option key={m.id} value={m.id}>
                {names.market(m.id)}
              </option>
            ))}
          </select>
        </div>
        <label htmlFor={ids.country}>
          <span>{tx.t('admin.country')}</span>
          <input
            id={ids.country}
            name="country"
            value={country}
            maxLength={2}
            size={4}
            autoCapitalize="characters"
            onChange={(e) => {
              setCountry(e.target.value);
              setOffset(0);
            }}
            placeholder="DE"
          />
        </label>
        <div className="field">
          <label htmlFor={ids.level}>{tx.t('admin.level')}</label>
          <select
            id={ids.level}
            name="level"
            value={optionLevel}
            onChange={(e) => {
              setOptionLevel(e.target.value);
              setOffset(0);
            }}
          >
            <option value="">{tx.t('admin.any')}</option>
            {options.map((o) => (
              <optgroup key={o.option} label={names.option(o.competency, o.option)}>
                {o.levels.map((l) => (
                  <option key={l.level ?? 'none'} value={`${o.option}|${l.level ?? 'none'}`}>
                    {names.option(o.competency, o.option)}: {names.level(o.competency, o.option, l.level)}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        <label htmlFor={ids.lapses}>
          <span>{tx.t('admin.lapsesWithin')}</span>
          <input
            id={ids.lapses}
            name="lapsesWithin"
            inputMode="numeric"
            pattern="[0-9]*"
            size={5}
            value={lapsesWithin}
            placeholder="90"
            onChange={(e) => {
              setLapsesWithin(e.target.value);
              setOffset(0);
            }}
          />
        </label>
        <label htmlFor={ids.next}>
          <span>{tx.t('admin.nextWithin')}</span>
          <input
            id={ids.next}
            name="nextWithin"
            inputMode="numeric"
            pattern="[0-9]*"
            size={5}
            value={nextWithin}
            placeholder="10"
            onChange={(e) => {
              setNextWithin(e.target.value);
              setOffset(0);
            }}
          />
        </label>
        <a
          className="button secondary export"
          href={`/api/v1/partners${query({ ...listQuery, format: 'csv', locale: tx.locale })}`}
          download
          data-testid="export-csv"
        >
          {tx.t('admin.exportCsv')}
        </a>
      </form>

      {error ? <ErrorMessage message={error} /> : null}
      <p role="status" aria-live="polite" className="muted" data-testid="result-count">
        {busy
          ? tx.t('app.loading')
          : error
            ? null
            : tx.t('admin.showing', { from: total === 0 ? 0 : offset + 1, to: Math.min(total, offset + limit), total })}
      </p>
      <div className="table-scroll" role="region" aria-labelledby="partners-caption" tabIndex={0}>
        <table className="partners" aria-busy={busy}>
          <caption id="partners-caption">{tx.t('admin.caption', { date: tx.date(asOf) })}</caption>
          <thead>
            <tr>
              {header('id', tx.t('admin.id'))}
              {header('name', tx.t('admin.name'))}
              {header('country', tx.t('admin.country'))}
              {header('market', tx.t('admin.market'))}
              {options.map((o) => (
                <th scope="col" key={o.option}>
                  {names.option(o.competency, o.option)}
                </th>
              ))}
              {header('lapse', tx.t('admin.lapse'))}
              {header('shortfallRatio', tx.t('admin.closest'))}
              {header('revenueShortfall', tx.t('admin.revenueGap'))}
            </tr>
          </thead>
          <tbody>
            {(list?.items ?? []).map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={`/partners/${encodeURIComponent(p.id)}?asOf=${asOf}`}>{p.id}</Link>
                </td>
                <td>{p.name}</td>
                <td>{p.country}</td>
                <td>{names.market(p.market)}</td>
                {options.map((o) => {
                  const l = p.levels.find((x) => x.competency === o.competency && x.option === o.option);
                  const outlook = p.outlook.find((x) => x.competency === o.competency && x.option === o.option);
                  return (
                    <td key={o.option} data-option={o.option}>
                      <LevelBadge level={l?.level ?? null} label={names.level(o.competency, o.option, l?.level ?? null)} />
                      {outlook ? <OutlookNote outlook={outlook} names={names} /> : null}
                    </td>
                  );
                })}
                <td data-testid="lapse">{earliestLapse(p.outlook) ?? '—'}</td>
                <td data-testid="closest">{closestRatio(p.outlook)}</td>
                <td data-testid="revenue-gap">{smallestRevenueGap(p.outlook)}</td>
              </tr>
            ))}
            {list && list.items.length === 0 ? (
              <tr>
                <td colSpan={7 + options.length}>{tx.t('admin.empty')}</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label={tx.t('admin.pages')}>
        <button type="button" onClick={() => setOffset(Math.max(0, offset - limit))} disabled={offset === 0}>
          {tx.t('admin.previous')}
        </button>
        <span aria-live="polite">{tx.t('admin.page', { page, pages })}</span>
        <button type="button" onClick={() => setOffset(offset + limit)} disabled={offset + limit >= total}>
          {tx.t('admin.next')}
        </button>
        <div className="field">
          <label htmlFor={ids.size}>{tx.t('admin.pageSize')}</label>
          <select
            id={ids.size}
            value={limit}
            onChange={(e) => {
              setLimit(Number(e.target.value));
              setOffset(0);
            }}
          >
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
      </nav>
    </div>
  );
}

/** Under an option's level: what the next level still lacks (its largest gap), and when the level held lapses. */
function OutlookNote({ outlook, names }: { outlook: OptionOutlook; names: Names }) {
  const tx = useTexts();
  const next = outlook.next;
  const gap = next?.largestShortfall;
  return (
    <div className="outlook">
      {outlook.lapse ? (
        <span className="lapse" data-testid="lapse-note">
          {tx.t('admin.lapsesOn', { date: tx.date(outlook.lapse.date) })}
        </span>
      ) : null}
      {next && gap && gap.shortfall != null && gap.shortfall > 0 ? (
        <span className="gap">
          {tx.t(gap.kind === 'revenue' ? 'admin.nextRevenueGap' : 'admin.nextPeopleGap', {
            level: names.level(outlook.competency, outlook.option, next.level),
            amount: gap.kind === 'revenue' ? tx.usd(gap.shortfall) : '',
            people: gap.kind === 'revenue' ? 0 : gap.shortfall,
          })}
        </span>
      ) : null}
    </div>
  );
}
