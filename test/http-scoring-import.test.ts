/**
 * Scoring records through the API (issue #19): `POST /api/v1/imports/scoring`
 * — a records file as the JSON body or in a multipart body, or CSV files of
 * one collection each — merged into the store as `attain import --scored`
 * does, refused whole with a 422 naming source, record and field, program-
 * admin only, and heard by open dashboards as a change event; and `attain
 * import --scored` going through the server that owns the embedded store.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/http/server.js';
import { Store } from '../src/store/store.js';
import { runCli } from './support/cli.js';
import { call, startServer, type TestServer } from './support/http.js';
import { emptyStoreFolder } from './support/pglite-template.js';

const EXAMPLE = 'examples/business-applications-scored.json';
const records = (): Record<string, Record<string, unknown>[]> =>
  JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, Record<string, unknown>[]>;
const total = Object.values(records()).reduce((n, rows) => n + rows.length, 0);

function form(files: { field: string; name: string; text: string }[]): FormData {
  const data = new FormData();
  for (const file of files) data.append(file.field, new Blob([file.text]), file.name);
  return data;
}

/** The next `change` event of the stream (program-admin), or undefined after `ms`. */
async function nextChange(server: TestServer, during: () => Promise<unknown>, ms = 5_000): Promise<Record<string, unknown>> {
  const controller = new AbortController();
  const response = await fetch(`${server.url}/api/v1/events`, {
    headers: { authorization: `Bearer ${server.tokens.admin}` },
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  // The stream is open (its first comment read) before the import runs.
  buffer += decoder.decode((await reader.read()).value, { stream: true });
  await during();
  const deadline = Date.now() + ms;
  try {
    while (Date.now() < deadline) {
      const data = /event: change\ndata: (.*)\n\n/.exec(buffer);
      if (data) return JSON.parse(data[1]!) as Record<string, unknown>;
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
    }
    throw new Error('no change event');
  } finally {
    controller.abort();
  }
}

describe('POST /api/v1/imports/scoring', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ server: { maxUploadBytes: 256 * 1024 } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('imports records as the JSON body, then counts them unchanged; a change event tells of the batch', async () => {
    const token = server.tokens.admin;
    let first: Awaited<ReturnType<typeof call>> | undefined;
    const change = await nextChange(server, async () => {
      first = await call(server, 'POST', '/api/v1/imports/scoring?source=scored.json', { token, body: records() });
    });
    expect(first!.status, first!.text).toBe(200);
    expect(first!.json).toMatchObject({ source: 'scored.json', added: total, updated: 0, unchanged: 0 });
    expect(first!.json.collections.billing).toEqual({ added: records().billing!.length, updated: 0, unchanged: 0 });
    expect(change).toMatchObject({ reloaded: false, partners: 0 });
    expect(change.imports).toEqual([
      { batch: first!.json.batch, kind: 'scoring', source: 'scored.json', added: total, updated: 0, unchanged: 0, rejected: 0 },
    ]);

    const again = await call(server, 'POST', '/api/v1/imports/scoring', { token, body: records() });
    expect(again.json).toMatchObject({ source: 'request.json', added: 0, updated: 0, unchanged: total });
    expect((await server.store.scoringRecords()).partners).toEqual(records().partners);

    const list = await call(server, 'GET', '/api/v1/imports?limit=3', { token });
    expect(list.json.items.map((b: { kind: string; source: string }) => [b.kind, b.source])).toEqual([
      ['scoring', 'request.json'],
      ['scoring', 'scored.json'],
      ['threshold', 'examples/cloud-business-applications.json'],
    ]);
    // The threshold evaluations still answer, from the same data.
    const partners = await call(server, 'GET', '/api/v1/partners?asOf=2017-07-07', { token });
    expect(partners.status).toBe(200);
  });

  it('refuses a bad record whole: 422 naming the source, the record and the field, nothing written', async () => {
    const before = await server.store.scoringRecords();
    const answer = await call(server, 'POST', '/api/v1/imports/scoring?source=bad.json&locale=fr-FR', {
      token: server.tokens.admin,
      body: {
        tenants: [{ id: 'T-NEW', country: 'US' }],
        billing: [{ id: 'B-X', subscriptionId: 'S-NOWHERE', month: '2023-01', amountUsd: 1 }],
      },
    });
    expect(answer.status).toBe(422);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.json).toMatchObject({ source: 'bad.json', total: 1, title: 'Données non valides' });
    expect(answer.json.errors[0]).toMatchObject({ record: 'billing[0] (id B-X)', field: 'subscriptionId', code: 'unknownReference' });
    expect(answer.json.errors[0].message).toContain('S-NOWHERE');
    expect(await server.store.scoringRecords()).toEqual(before);
    const shape = await call(server, 'POST', '/api/v1/imports/scoring', { token: server.tokens.admin, body: { billing: 'not a list' } });
    expect(shape.status).toBe(422);
  });

  it('is for program-admins only', async () => {
    for (const account of ['nw-admin', 'co-viewer'] as const) {
      const answer = await call(server, 'POST', '/api/v1/imports/scoring', { token: server.tokens[account], body: { partners: [] } });
      expect(answer.status).toBe(403);
    }
    expect((await call(server, 'POST', '/api/v1/imports/scoring', { body: { partners: [] } })).status).toBe(401);
  });

  it('takes a records file or CSV files of one collection each in a multipart body', async () => {
    const token = server.tokens.admin;
    const file = await call(server, 'POST', '/api/v1/imports/scoring', {
      token,
      raw: form([{ field: 'file', name: 'march.json', text: JSON.stringify({ partners: [{ id: 'P-MULTI', country: 'FR' }] }) }]),
    });
    expect(file.status, file.text).toBe(200);
    expect(file.json).toMatchObject({ source: 'march.json', added: 1 });

    const csv = await call(server, 'POST', '/api/v1/imports/scoring', {
      token,
      raw: form([
        { field: 'file', name: 'people.csv', text: 'id,partnerId\nPER-1,P-MULTI\n' },
        { field: 'examPasses', name: 'upload.csv', text: 'personId,exam,date\nPER-1,MB-300,2023-01-15\n' },
      ]),
    });
    expect(csv.status, csv.text).toBe(200);
    expect(csv.json.collections.people).toEqual({ added: 1, updated: 0, unchanged: 0 });
    expect(csv.json.collections.examPasses).toEqual({ added: 1, updated: 0, unchanged: 0 });

    const bad = await call(server, 'POST', '/api/v1/imports/scoring', {
      token,
      raw: form([{ field: 'file', name: 'billing.csv', text: 'id,subscriptionId,month,amountUsd\nB-Y,S-NONE,2023-01,3\n' }]),
    });
    expect(bad.status).toBe(422);
    expect(bad.json.source).toBe('billing.csv');
    expect(bad.json.errors[0]).toMatchObject({ record: 'billing.csv:2 (id B-Y)', field: 'subscriptionId' });
    expect(bad.text).not.toContain('attain-upload-');

    // A usage file that is not CSV, read only when the import comes to it: refused as when read with the upload,
    // named by the files sent, nothing written (the people file before it neither) and no attempt kept.
    const batches = (await call(server, 'GET', '/api/v1/imports?limit=500', { token })).json.total;
    expect(batches).toBeGreaterThan(0);
    const unread = await call(server, 'POST', '/api/v1/imports/scoring', {
      token,
      raw: form([
        { field: 'file', name: 'people.csv', text: 'id,partnerId\nPER-2,P-MULTI\n' },
        { field: 'file', name: 'usage.csv', text: 'tenantId,workload,month,units,month\nT-1,W,2023-01,1,2023-02\n' },
      ]),
    });
    expect(unread.status, unread.text).toBe(422);
    expect(unread.json.source).toBe('people.csv, usage.csv');
    expect(unread.json.errors[0].record).toBe('usage.csv:1');
    expect(unread.text).not.toContain('attain-upload-');
    expect((await call(server, 'GET', '/api/v1/imports?limit=500', { token })).json.total).toBe(batches);
    const again = await call(server, 'POST', '/api/v1/imports/scoring', {
      token,
      raw: form([{ field: 'file', name: 'people.csv', text: 'id,partnerId\nPER-2,P-MULTI\n' }]),
    });
    expect(again.json.collections.people).toEqual({ added: 1, updated: 0, unchanged: 0 });

    const odd = await call(server, 'POST', '/api/v1/imports/scoring', {
      token,
      raw: form([{ field: 'file', name: 'invoices.csv', text: 'id\nI-1\n' }]),
    });
    expect([odd.status, odd.json.errors[0].code]).toEqual([422, 'notEntity']);
    const two = await call(server, 'POST', '/api/v1/imports/scoring', {
      token,
      raw: form([
        { field: 'file', name: 'a.json', text: '{}' },
        { field: 'file', name: 'b.json', text: '{}' },
      ]),
    });
    expect([two.status, two.json.errors[0].code]).toEqual([422, 'oneScoringInput']);
    expect((await call(server, 'POST', '/api/v1/imports/scoring', { token, raw: form([]) })).status).toBe(400);
  });
});

describe('attain import --scored while a server owns the store', () => {
  const data = emptyStoreFolder('attain-scoring-through-');
  let store: Store;
  let close: () => Promise<void>;
  beforeAll(async () => {
    store = await Store.open({ dataDir: data });
    const app = await buildServer({ store, today: () => '2017-07-07', localCredential: 'local-secret-for-tests' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    store.ownership!.publishServer({ url: `http://127.0.0.1:${port}`, credential: 'local-secret-for-tests' });
    close = async () => {
      await app.close();
      await store.close();
    };
  });
  afterAll(async () => {
    await close();
  });

  it('goes through it: the same report and the same refusals as without a server', async () => {
    const run = await runCli(['import', '--scored', EXAMPLE, '--data', data]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${EXAMPLE}: batch 1: ${total} records added, 0 updated, 0 unchanged`);
    expect(run.stdout).toContain(`  billing: ${records().billing!.length} added, 0 updated, 0 unchanged`);
    expect((await store.scoringRecords()).partners).toEqual(records().partners);

    const folder = mkdtempSync(join(tmpdir(), 'attain-scoring-through-csv-'));
    writeFileSync(join(folder, 'billing.csv'), 'id,subscriptionId,month,amountUsd\nB-Z,S-NONE,2023-01,3\n');
    const refused = await runCli(['import', '--scored', folder, '--data', data]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${folder}: 1 problem; nothing was imported`);
    expect(refused.stderr).toContain('billing.csv:2 (id B-Z): subscriptionId "S-NONE" does not name a subscription of the dataset');

    // Another scored definition cannot go through it: the store is named as in use.
    const other = await runCli(['import', '--scored', 'definitions/microsoft-business-applications', EXAMPLE, '--data', data]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('in use');
  });
});
