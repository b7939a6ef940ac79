/** Small shared pieces: level badges, progress bars, loading and error states, the as-of picker, scrolling regions. */
import { useEffect, useId, useRef, useState } from 'react';
import { useDataThrough } from './dates.ts';
import { useTexts } from './i18n.tsx';

export function LevelBadge({ level, label }: { level: string | null; label: string }) {
  const kind = level === 'gold' ? 'gold' : level === 'silver' ? 'silver' : 'none';
  return (
    <span className={`badge badge-${kind}`} data-level={level ?? 'none'}>
      {label}
    </span>
  );
}

/** Actual against required: a labelled progress bar and the figures in words. */
export function Progress({
  label,
  actual,
  required,
  met,
  format,
  valueText: given,
}: {
  label: string;
  actual: number;
  required: number;
  met: boolean;
  format: (n: number) => string;
  /** The figures in words, when "{actual} of {required}" is not how they are said (people: "N qualifying of M required"). */
  valueText?: string | undefined;
}) {
  const tx = useTexts();
  const id = useId();
  const fraction = required <= 0 ? 1 : Math.max(0, Math.min(1, actual / required));
  const valueText = given ?? tx.t('progress.value', { actual: format(actual), required: format(required) });
  return (
    <div className="progress-row">
      <div className="progress-label" id={id}>
        {label}
      </div>
      <div
        className={`progress ${met ? 'progress-met' : 'progress-short'}`}
        role="progressbar"
        aria-labelledby={id}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
        aria-valuetext={valueText}
      >
        <div className="progress-fill" style={{ width: `${fraction * 100}%` }} />
      </div>
      <div className="progress-figures">
        <span>{valueText}</span>{' '}
        {met ? (
          <span className="met">{tx.t('progress.met')}</span>
        ) : (
          <span className="short">{tx.t('progress.shortfall', { shortfall: format(Math.max(0, required - actual)) })}</span>
        )}
      </div>
    </div>
  );
}

export function Loading() {
  const tx = useTexts();
  return (
    <p role="status" className="muted">
      {tx.t('app.loading')}
    </p>
  );
}

export function ErrorMessage({ message }: { message: string }) {
  return (
    <p role="alert" className="error">
      {message}
    </p>
  );
}

/**
 * The as-of date, with the latest date the data reaches ("data through …")
 * under it, and a way back to that date when another one is shown.
 */
export function AsOfPicker({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const tx = useTexts();
  const dataThrough = useDataThrough();
  const noteId = useId();
  return (
    <div className="as-of">
      <label>
        <span>{tx.t('asOf.label')}</span>
        <input
          type="date"
          name="asOf"
          value={value}
          aria-describedby={dataThrough ? noteId : undefined}
          onChange={(e) => {
            if (e.target.value) onChange(e.target.value);
          }}
        />
      </label>
      {dataThrough ? (
        <p className="muted as-of-note" id={noteId} data-testid="data-through">
          {tx.t('asOf.dataThrough', { date: tx.date(dataThrough) })}
          {value !== dataThrough ? (
            <>
              {' '}
              <button type="button" className="link" onClick={() => onChange(dataThrough)}>
                {tx.t('asOf.latest')}
              </button>
            </>
          ) : null}
        </p>
      ) : null}
    </div>
  );
}

/**
 * A region that scrolls sideways when its content is wider than the screen,
 * and says so: a cue under it while there is more to the right, and a
 * shadow on the edge that hides something.
 */
export function ScrollRegion({ labelledBy, cue, children }: { labelledBy: string; cue: string; children: React.ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [more, setMore] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setMore(element.scrollLeft + element.clientWidth < element.scrollWidth - 1);
    measure();
    element.addEventListener('scroll', measure, { passive: true });
    const observer = typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(measure);
    observer?.observe(element);
    return () => {
      element.removeEventListener('scroll', measure);
      observer?.disconnect();
    };
  }, []);
  return (
    <div className={`scroll-region${more ? ' scroll-more' : ''}`}>
      <div className="table-scroll" role="region" aria-labelledby={labelledBy} tabIndex={0} ref={ref}>
        {children}
      </div>
      {more ? (
        <p className="scroll-cue muted" data-testid="scroll-cue">
          {cue} <span aria-hidden="true">→</span>
        </p>
      ) : null}
    </div>
  );
}
