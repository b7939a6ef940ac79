/**
 * Push: the dashboard listens to the server's events (GET /api/v1/events,
 * server-sent) while signed in. Each change bumps a number every view reads
 * from `useDataVersion` and lists in its effects' dependencies, so what is
 * on screen is fetched again, and a banner says what landed. EventSource
 * reconnects by itself when the connection drops.
 */
import { createContext, useContext, useEffect, useState } from 'react';
import type { DataChange } from './api.ts';
import { useTexts } from './i18n.tsx';

const DataVersion = createContext(0);

/** Bumped by every change the server pushes: list it in the dependencies of effects that fetch data. */
export function useDataVersion(): number {
  return useContext(DataVersion);
}

/** Listens while `enabled` (signed in); gives the views the data version and shows the last change. */
export function LiveData({ enabled, locale, children }: { enabled: boolean; locale: string; children: React.ReactNode }) {
  const [version, setVersion] = useState(0);
  const [last, setLast] = useState<DataChange | null>(null);
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const source = new EventSource(`/api/v1/events?locale=${encodeURIComponent(locale)}`);
    source.addEventListener('change', (event) => {
      setLast(JSON.parse((event as MessageEvent<string>).data) as DataChange);
      setVersion((v) => v + 1);
    });
    return () => source.close();
  }, [enabled, locale]);
  return (
    <DataVersion.Provider value={version}>
      {last ? <ChangeBanner change={last} onClose={() => setLast(null)} /> : null}
      {children}
    </DataVersion.Provider>
  );
}

function ChangeBanner({ change, onClose }: { change: DataChange; onClose: () => void }) {
  const tx = useTexts();
  const imports = change.imports ?? [];
  const sum = (k: 'added' | 'updated' | 'rejected') => imports.reduce((total, i) => total + i[k], 0);
  let text: string;
  if (change.reason === 'program') text = tx.t('live.program');
  else if (imports.length > 0)
    text = tx.t('live.imports', {
      files: imports.length,
      source: imports.map((i) => i.source).join(', '),
      added: sum('added'),
      updated: sum('updated'),
      rejected: sum('rejected'),
    });
  else text = tx.t('live.changed');
  return (
    <div className="live-banner" role="status" data-testid="live-banner">
      <span>{text}</span>
      <button type="button" className="secondary" onClick={onClose}>
        {tx.t('live.dismiss')}
      </button>
    </div>
  );
}
