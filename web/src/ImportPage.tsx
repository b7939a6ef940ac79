/**
 * Imports (program-admin): JSON datasets or CSV files of one entity each,
 * uploaded to POST /api/v1/imports with the upload's progress; the report
 * of what was added, or the validation problems row by row.
 */
import { useId, useRef, useState, type FormEvent } from 'react';
import { ApiError, upload, type ImportReport, type Problem } from './api.ts';
import { useTexts } from './i18n.tsx';
import { problemHeadline, problemItemText } from './problems.ts';

export function ImportPage() {
  const tx = useTexts();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [reports, setReports] = useState<readonly ImportReport[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [chosen, setChosen] = useState(0);
  const [skipInvalid, setSkipInvalid] = useState(false);
  const hintId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const files = [...(input.current?.files ?? [])];
    if (files.length === 0) return;
    setReports(null);
    setProblem(null);
    setProgress(0);
    try {
      const answer = await upload(`/api/v1/imports${skipInvalid ? '?skipInvalid=true' : ''}`, files, setProgress);
      setReports(answer.reports);
    } catch (error) {
      setProblem(error instanceof ApiError ? error.problem : { status: 0, title: tx.t('app.networkError'), detail: '' });
    } finally {
      setProgress(null);
    }
  };

  return (
    <div className="import">
      <h1>{tx.t('import.title')}</h1>
      <form className="card" onSubmit={(e) => void submit(e)}>
        <label>
          <span>{tx.t('import.files')}</span>
          <input
            ref={input}
            type="file"
            name="files"
            multiple
            accept=".json,.csv,application/json,text/csv"
            aria-describedby={hintId}
            onChange={(e) => setChosen(e.target.files?.length ?? 0)}
          />
        </label>
        <p id={hintId} className="muted">
          {tx.t('import.hint')}
        </p>
        <label className="checkbox">
          <input type="checkbox" name="skipInvalid" checked={skipInvalid} onChange={(e) => setSkipInvalid(e.target.checked)} />{' '}
          {tx.t('import.skipInvalid')}
        </label>
        <button type="submit" disabled={chosen === 0 || progress !== null}>
          {tx.t('import.submit')}
        </button>
        {progress !== null ? (
          <div className="upload-progress">
            <label>
              <span>{tx.t('import.progress')}</span>
              <progress max={1} value={progress} />
            </label>
          </div>
        ) : null}
      </form>

      {reports ? (
        <section aria-labelledby="import-done" className="card" role="status">
          <h2 id="import-done">{tx.t('import.done')}</h2>
          <table className="compact">
            <thead>
              <tr>
                <th scope="col">{tx.t('import.source')}</th>
                <th scope="col" className="num">
                  {tx.t('import.added')}
                </th>
                <th scope="col" className="num">
                  {tx.t('import.updated')}
                </th>
                <th scope="col" className="num">
                  {tx.t('import.unchanged')}
                </th>
                <th scope="col" className="num">
                  {tx.t('import.rejected')}
                </th>
              </tr>
            </thead>
            <tbody>
              {reports.map((r) => (
                <tr key={`${r.batch}-${r.source}`}>
                  <th scope="row">{r.source}</th>
                  <td className="num">{tx.number(r.added)}</td>
                  <td className="num">{tx.number(r.updated)}</td>
                  <td className="num">{tx.number(r.unchanged)}</td>
                  <td className="num">{tx.number(r.rejected)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {reports.some((r) => r.rejectedRecords.length > 0) ? (
            <table className="compact" data-testid="import-rejected">
              <caption>{tx.t('import.rejectedRows')}</caption>
              <thead>
                <tr>
                  <th scope="col">{tx.t('import.record')}</th>
                  <th scope="col">{tx.t('import.message')}</th>
                </tr>
              </thead>
              <tbody>
                {reports.flatMap((r) =>
                  r.rejectedRecords.map((x) => (
                    <tr key={`${r.source}-${x.collection}-${x.index}`}>
                      <th scope="row">
                        {r.source}: {x.collection}[{x.index}]{x.line !== undefined ? ` (${tx.t('import.line', { line: x.line })})` : ''}
                      </th>
                      <td>{x.reasons.join('; ')}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          ) : null}
        </section>
      ) : null}

      {problem ? (
        <section aria-labelledby="import-failed" className="card problem" role="alert">
          <h2 id="import-failed">{tx.t('import.failed')}</h2>
          <p>{problemHeadline(problem, tx)}</p>
          {problem.errors && problem.errors.length > 0 ? (
            <div className="table-scroll" role="region" aria-label={tx.t('import.errors')} tabIndex={0}>
              <table className="compact" data-testid="import-errors">
                <caption>
                  {(problem.total ?? problem.errors.length) > problem.errors.length
                    ? tx.t('import.errorCaption', {
                        count: tx.t('import.errorCount', { total: problem.total ?? problem.errors.length }),
                        shown: tx.t('import.errorsShown', { shown: problem.errors.length }),
                      })
                    : tx.t('import.errorCount', { total: problem.errors.length })}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{tx.t('import.record')}</th>
                    <th scope="col">{tx.t('import.field')}</th>
                    <th scope="col">{tx.t('import.message')}</th>
                  </tr>
                </thead>
                <tbody>
                  {problem.errors.map((e, i) => (
                    <tr key={i}>
                      <th scope="row">{e.record}</th>
                      <td>{e.field}</td>
                      <td>{problemItemText(e, tx)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
