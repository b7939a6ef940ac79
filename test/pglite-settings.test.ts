/**
 * The embedded engine's shared buffers from ATTAIN_PGLITE_SHARED_BUFFERS: an amount PostgreSQL reads, on the
 * engine's command line for one start only (the store's own postgresql.conf is left as it was), anything else
 * refused naming the variable.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPglite, pgliteSettings, SHARED_BUFFERS_VARIABLE } from '../src/store/pglite.js';

describe('the embedded engine’s shared buffers', () => {
  it('reads an amount, nothing when unset, and refuses anything else naming the variable', () => {
    expect(pgliteSettings({})).toEqual([]);
    expect(pgliteSettings({ [SHARED_BUFFERS_VARIABLE]: '' })).toEqual([]);
    expect(pgliteSettings({ [SHARED_BUFFERS_VARIABLE]: '16MB' })).toEqual(['-c', 'shared_buffers=16MB']);
    expect(pgliteSettings({ [SHARED_BUFFERS_VARIABLE]: '1GB' })).toEqual(['-c', 'shared_buffers=1GB']);
    for (const bad of ['16', '16 MB', '0MB', '16MB -c fsync=off', '16MB\nfsync = off', '-1MB', '16mb', '99999999MB'])
      expect(() => pgliteSettings({ [SHARED_BUFFERS_VARIABLE]: bad }), bad).toThrow(
        `${SHARED_BUFFERS_VARIABLE} is "${bad}": an amount such as 16MB, 512MB or 1GB`,
      );
  });

  it('sets them for that start only: the store opened again without it has the default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attain-buffers-'));
    const before = process.env[SHARED_BUFFERS_VARIABLE];
    try {
      process.env[SHARED_BUFFERS_VARIABLE] = '24MB';
      let db = await openPglite(dir);
      expect(await db.query('SHOW shared_buffers')).toEqual([{ shared_buffers: '24MB' }]);
      await db.close();
      delete process.env[SHARED_BUFFERS_VARIABLE];
      db = await openPglite(dir);
      expect(await db.query('SHOW shared_buffers')).toEqual([{ shared_buffers: '128MB' }]);
      await db.close();
      expect(readFileSync(join(dir, 'postgresql.conf'), 'utf8')).not.toMatch(/^shared_buffers\s*=\s*24MB/m);
    } finally {
      if (before === undefined) delete process.env[SHARED_BUFFERS_VARIABLE];
      else process.env[SHARED_BUFFERS_VARIABLE] = before;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
