/** Small shared pieces: level badges, progress bars, loading and error states, the as-of picker. */
import { useId } from 'react';
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
}: {
  label: string;
  actual: number;
  required: number;
  met: boolean;
  format: (n: number) => string;
}) {
  const tx = useTexts();
  const id = useId();
  const fraction = required <= 0 ? 1 : Math.max(0, Math.min(1, actual / required));
  const valueText = tx.t('progress.value', { actual: format(actual), required: format(required) });
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

export function AsOfPicker({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const tx = useTexts();
  return (
    <label className="as-of">
      <span>{tx.t('asOf.label')}</span>
      <input
        type="date"
        name="asOf"
        value={value}
        onChange={(e) => {
          if (e.target.value) onChange(e.target.value);
        }}
      />
    </label>
  );
}
