/**
 * The OpenAPI document: valid OpenAPI 3.1 (the official schema), every
 * schema in it a valid JSON Schema 2020-12, every route of the server in it
 * with its parameters, body and answers.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS } from './support/http-endpoints.js';
import { call, startServer, type TestServer } from './support/http.js';

let server: TestServer;
let doc: any;
beforeAll(async () => {
  server = await startServer();
  doc = (await call(server, 'GET', '/api/openapi.json')).json;
});
afterAll(async () => {
  await server.close();
});

/** Every schema object the document holds: parameters', bodies', answers'. */
function schemasOf(document: any): { where: string; schema: unknown }[] {
  const found: { where: string; schema: unknown }[] = [];
  for (const [path, item] of Object.entries<any>(document.paths)) {
    for (const [method, operation] of Object.entries<any>(item)) {
      for (const p of operation.parameters ?? []) found.push({ where: `${method} ${path} parameter ${p.name}`, schema: p.schema });
      for (const [type, media] of Object.entries<any>(operation.requestBody?.content ?? {})) {
        found.push({ where: `${method} ${path} body ${type}`, schema: media.schema });
      }
      for (const [status, response] of Object.entries<any>(operation.responses)) {
        for (const [type, media] of Object.entries<any>(response.content ?? {})) {
          found.push({ where: `${method} ${path} ${status} ${type}`, schema: media.schema });
        }
      }
    }
  }
  return found;
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and valid against the official schema', () => {
    expect(doc.openapi).toBe('3.1.0');
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    // Ajv resolves a $dynamicRef only to an anchor at the root of its resource; here `#meta` is the one of $defs/schema.
    const text = readFileSync('test/support/oas-3.1-schema.json', 'utf8').replaceAll('"$dynamicRef": "#meta"', '"$ref": "#/$defs/schema"');
    const validate = ajv.compile(JSON.parse(text));
    const valid = validate(doc);
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('holds valid JSON Schemas (2020-12) only', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const schemas = schemasOf(doc);
    expect(schemas.length).toBeGreaterThan(50);
    // References to the document's components, inlined: each schema compiles on its own.
    const inline = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(inline);
      if (typeof value !== 'object' || value === null) return value;
      const ref = (value as { $ref?: unknown }).$ref;
      if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) return inline(doc.components.schemas[ref.slice(21)]);
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inline(v)]));
    };
    for (const { where, schema } of [
      ...schemas,
      ...Object.entries(doc.components.schemas).map(([name, schema]) => ({ where: name, schema })),
    ]) {
      expect(() => ajv.compile(inline(schema) as object), where).not.toThrow();
    }
  });

  it('lists every route, each with its parameters, its answers and its problems', () => {
    const listed = Object.entries<any>(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(listed.sort()).toEqual(ENDPOINTS.map((e) => `${e.method} ${e.path}`).sort());
    for (const endpoint of ENDPOINTS) {
      const operation = doc.paths[endpoint.path][endpoint.method.toLowerCase()];
      expect(operation.summary, endpoint.path).toBeTypeOf('string');
      const statuses = Object.keys(operation.responses);
      expect(
        statuses.some((s) => s.startsWith('2')),
        `${endpoint.method} ${endpoint.path}`,
      ).toBe(true);
      expect(operation.responses['4XX']?.content['application/problem+json'], `${endpoint.method} ${endpoint.path}`).toBeDefined();
      for (const name of endpoint.path.match(/\{(\w+)\}/g) ?? []) {
        const param = operation.parameters.find((p: { name: string; in: string }) => `{${p.name}}` === name);
        expect(param, `${endpoint.path} ${name}`).toMatchObject({ in: 'path', required: true });
      }
    }
    const partners = doc.paths['/api/v1/partners'].get;
    expect(partners.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining([
        'asOf',
        'market',
        'country',
        'option',
        'level',
        'lapsesWithin',
        'nextWithin',
        'q',
        'sort',
        'order',
        'format',
        'limit',
        'offset',
        'locale',
      ]),
    );
    expect(partners.parameters.find((p: { name: string }) => p.name === 'sort').schema.enum).toEqual(
      expect.arrayContaining(['lapse', 'shortfallRatio', 'revenueShortfall', 'level']),
    );
    expect(Object.keys(partners.responses['200'].content).sort()).toEqual(['application/json', 'text/csv']);
    const imports = doc.paths['/api/v1/imports'].post;
    expect(Object.keys(imports.requestBody.content).sort()).toEqual(['application/json', 'multipart/form-data']);
  });

  it('is served with an interactive page at /api/docs', async () => {
    const page = await call(server, 'GET', '/api/docs/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  });
});
