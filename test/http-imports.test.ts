/**
 * Imports through the API: a JSON body, or JSON and CSV files in a
 * multipart body — the same all-or-nothing, idempotent Store.import as
 * `attain import`, problems by file and line, size limits, and the partner
 * list seeing the new data at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { call, EXAMPLE, startServer, type TestServer } from './support/http.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ seed: false, server: { maxUploadBytes: 64 * 1024 } });
});
afterAll(async () => {
  await server.close();
});

function form(files: { field: string; name: string; text: string }[], fields: Record<string, string> = {}): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  for (const file of files) data.append(file.field, new Blob([file.text]), file.name);
  return data;
}

const PARTNERS_CSV = 'id,name,country\nP-CSV,Csv Partner,FR\n';
const PEOPLE_CSV = 'id,partnerId,name\nCSV-01,P-CSV,Ada\nCSV-02,P-CSV,Grace\n';

describe('imports through the API', () => {
  it('imports a JSON dataset as the body, then answers the same import as unchanged', async () => {
    const admin = server.tokens.admin;
    const body = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as unknown;
    const first = await call(server, 'POST', '/api/v1/imports?source=example.json', { token: admin, body });
    expect(first.status, first.text).toBe(200);
    expect(first.json.reports[0]).toMatchObject({ source: 'example.json', added: 241, updated: 0, unchanged: 0, rejected: 0 });
    const again = await call(server, 'POST', '/api/v1/imports?source=example.json', { token: admin, body });
    expect(again.json.reports[0]).toMatchObject({ added: 0, updated: 0, unchanged: 241 });
    const list = await call(server, 'GET', '/api/v1/partners?asOf=2017-07-07', { token: admin });
    expect(list.json.total).toBe(4);
  });

  it('imports CSV files from a multipart body, the entity from the file name or the field name', async () => {
    const body = form([
      { field: 'file', name: 'people.csv', text: PEOPLE_CSV }, // refers to a partner of the next file: checked together
      { field: 'partners', name: 'weekly-upload.csv', text: PARTNERS_CSV },
    ]);
    const answer = await call(server, 'POST', '/api/v1/imports', { token: server.tokens.admin, raw: body });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.reports.map((r: { source: string; added: number }) => [r.source, r.added])).toEqual([
      ['people.csv', 2],
      ['weekly-upload.csv', 1],
    ]);
    // Visible at once in the partner list: the import dropped what was kept.
    const list = await call(server, 'GET', '/api/v1/partners?asOf=2017-07-07&q=csv', { token: server.tokens.admin });
    expect(list.json.items.map((p: { id: string }) => p.id)).toEqual(['P-CSV']);
    const again = await call(server, 'POST', '/api/v1/imports', {
      token: server.tokens.admin,
      raw: form([{ field: 'people', name: 'anything.csv', text: PEOPLE_CSV }]),
    });
    expect(again.json.reports[0]).toMatchObject({ added: 0, unchanged: 2 });
  });

  it('rejects a file with a bad row whole: 422 naming the file and line, nothing written', async () => {
    const before = await server.store.read();
    const bad = 'id,partnerId,name\nCSV-03,P-CSV,Linus\nCSV-04,P-NOWHERE,Ken\n';
    const answer = await call(server, 'POST', '/api/v1/imports?locale=fr-FR', {
      token: server.tokens.admin,
      raw: form([{ field: 'file', name: 'people.csv', text: bad }]),
    });
    expect(answer.status).toBe(422);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.json.total).toBe(1);
    expect(answer.json.errors[0]).toMatchObject({ record: 'people.csv:3 (id CSV-04)', field: 'partnerId' });
    expect(answer.json.errors[0].message).toContain('P-NOWHERE');
    expect(answer.json.title).toBe('Données non valides');
    expect(await server.store.read()).toEqual(before);
    expect(answer.text).not.toContain('attain-upload-'); // no temporary path
  });

  it('imports the good rows with skipInvalid and reports the rejected ones', async () => {
    const bad = 'id,partnerId,name\nCSV-05,P-CSV,Barbara\nCSV-06,P-NOWHERE,Ken\n';
    const answer = await call(server, 'POST', '/api/v1/imports?skipInvalid=true', {
      token: server.tokens.admin,
      raw: form([{ field: 'file', name: 'people.csv', text: bad }]),
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.reports[0]).toMatchObject({ added: 1, rejected: 1 });
    expect(answer.json.reports[0].rejectedRecords[0]).toMatchObject({ collection: 'people', index: 1, line: 3 });
  });

  it('says what is wrong with a file it cannot read', async () => {
    const token = server.tokens.admin;
    const noEntity = await call(server, 'POST', '/api/v1/imports', {
      token,
      raw: form([{ field: 'file', name: 'data.csv', text: PEOPLE_CSV }]),
    });
    expect(noEntity.status).toBe(422);
    expect(noEntity.json.errors[0].code).toBe('noEntity');
    const entityField = await call(server, 'POST', '/api/v1/imports', {
      token,
      raw: form([{ field: 'file', name: 'data.csv', text: PEOPLE_CSV }], { entity: 'people' }),
    });
    expect(entityField.status, entityField.text).toBe(200);
    const notJson = await call(server, 'POST', '/api/v1/imports', { token, raw: form([{ field: 'file', name: 'x.json', text: '{oops' }]) });
    expect(notJson.status).toBe(422);
    expect(notJson.json.errors[0]).toMatchObject({ record: 'x.json', code: 'notJson' });
    const notData = await call(server, 'POST', '/api/v1/imports', { token, raw: form([{ field: 'file', name: 'x.txt', text: 'hello' }]) });
    expect(notData.status).toBe(422);
    const badCsv = await call(server, 'POST', '/api/v1/imports', {
      token,
      raw: form([{ field: 'file', name: 'people.csv', text: 'id,partnerId,name\n"CSV-09,P-CSV,Open quote\n' }]),
    });
    expect(badCsv.status).toBe(422);
    expect(badCsv.text).not.toContain('attain-upload-');
    const empty = await call(server, 'POST', '/api/v1/imports', { token, raw: form([], { entity: 'people' }) });
    expect(empty.status).toBe(400);
    const shape = await call(server, 'POST', '/api/v1/imports', { token, body: { revenue: 'not a list' } });
    expect(shape.status).toBe(422);
  });

  it('refuses uploads over the limit with 413', async () => {
    const big = `id,partnerId,name\n${'CSV-X,P-CSV,Someone with a long name\n'.repeat(3000)}`;
    const multipart = await call(server, 'POST', '/api/v1/imports', {
      token: server.tokens.admin,
      raw: form([{ field: 'file', name: 'people.csv', text: big }]),
    });
    expect(multipart.status).toBe(413);
    expect(multipart.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const json = await call(server, 'POST', '/api/v1/imports', {
      token: server.tokens.admin,
      body: { people: [], padding: 'x'.repeat(70_000) },
    });
    expect(json.status).toBe(413);
    // Several files, each under the limit, over it together.
    const half = `id,partnerId,name\n${'CSV-Y,P-CSV,Someone with a long name\n'.repeat(1200)}`;
    const together = await call(server, 'POST', '/api/v1/imports', {
      token: server.tokens.admin,
      raw: form([
        { field: 'people', name: 'a.csv', text: half },
        { field: 'people', name: 'b.csv', text: half },
      ]),
    });
    expect(together.status).toBe(413);
  });

  it('is for program-admins only, refused before the body is read', async () => {
    const answer = await call(server, 'POST', '/api/v1/imports', { token: server.tokens.admin.replace(/.$/, '') });
    expect(answer.status).toBe(401);
  });

  it('lists the batches, newest first', async () => {
    const batches = await call(server, 'GET', '/api/v1/imports?limit=3', { token: server.tokens.admin });
    expect(batches.status).toBe(200);
    expect(batches.json.items).toHaveLength(3);
    expect(batches.json.items[0].batch).toBeGreaterThan(batches.json.items[1].batch);
    expect(batches.json.total).toBeGreaterThan(3);
  });
});
