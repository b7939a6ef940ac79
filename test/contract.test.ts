/**
 * One contract between server and browser (src/contract): the API answers in
 * its shapes, and the dashboard reads them by type instead of declaring them
 * again. A copy on either side would drift from the other without a compiler
 * noticing; these tests find one. The dashboard's sources are read with the
 * TypeScript parser, the OpenAPI document is the one the server builds.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as contract from '../src/contract/index.js';
import { buildServer } from '../src/http/server.js';
import { ROLES } from '../src/store/accounts.js';
import type { Store } from '../src/store/store.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CONTRACT = join(ROOT, 'src/contract');
const WEB = join(ROOT, 'web/src');

function sourcesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesIn(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

function parse(path: string): ts.SourceFile {
  const kind = path.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  return ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true, kind);
}

function nodesOf(file: ts.SourceFile): ts.Node[] {
  const found: ts.Node[] = [];
  const visit = (node: ts.Node): void => {
    found.push(node);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

const where = (node: ts.Node): string => {
  const file = node.getSourceFile();
  return `${relative(ROOT, file.fileName)}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
};

/** The types the contract exports by name. */
const contractTypes = new Set(
  sourcesIn(CONTRACT).flatMap((path) =>
    nodesOf(parse(path)).flatMap((node) =>
      (ts.isTypeAliasDeclaration(node) || ts.isInterfaceDeclaration(node)) &&
      node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
        ? [node.name.text]
        : [],
    ),
  ),
);

/** The field names of every object the contract's schemas describe, however deep. */
function objectShapes(schema: z.core.$ZodType, found: string[][] = []): string[][] {
  if (schema instanceof z.ZodObject) {
    found.push(Object.keys(schema.shape));
    for (const field of Object.values(schema.shape)) objectShapes(field, found);
  } else if (schema instanceof z.ZodArray) objectShapes(schema.element, found);
  else if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault)
    objectShapes(schema.unwrap(), found);
  else if (schema instanceof z.ZodUnion) for (const option of schema.options) objectShapes(option, found);
  else if (schema instanceof z.ZodRecord) objectShapes(schema.valueType, found);
  return found;
}

const contractShapes = Object.values<unknown>(contract).flatMap((value) => (value instanceof z.ZodType ? objectShapes(value) : []));

const webFiles = sourcesIn(WEB).map(parse);

describe('the contract between server and browser', () => {
  it('is read by its types and its schemas', () => {
    // Finding nothing would pass every test below.
    expect(contractTypes).toContain('PartnerSummary');
    expect(contractShapes.length).toBeGreaterThan(30);
    expect(webFiles.length).toBeGreaterThan(5);
  });

  it('is the only declaration of its types: the dashboard declares none of them again', () => {
    const again = webFiles.flatMap((file) =>
      nodesOf(file).flatMap((node) =>
        (ts.isTypeAliasDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node)) &&
        node.name !== undefined &&
        contractTypes.has(node.name.text)
          ? [`${where(node)} declares ${node.name.text}`]
          : [],
      ),
    );
    expect(again).toEqual([]);
  });

  it("is the only description of the answers' objects: no object type of the dashboard is made of a contract object's fields", () => {
    // Under another name, or inline in request<{ … }>(…): a copy all the same. Two fields already make one ({ user, csrfToken }).
    const copies = webFiles.flatMap((file) =>
      nodesOf(file).flatMap((node) => {
        if (!ts.isTypeLiteralNode(node) && !ts.isInterfaceDeclaration(node)) return [];
        const fields = node.members.filter(ts.isPropertySignature).map((m) => m.name.getText());
        const copied = contractShapes.find((shape) => fields.every((f) => shape.includes(f)));
        return fields.length >= 2 && copied ? [`${where(node)} { ${fields.join(', ')} } is a part of { ${copied.join(', ')} }`] : [];
      }),
    );
    expect(copies).toEqual([]);
  });

  it('is what the dashboard imports its types from: src/contract, by `import type`', () => {
    const api = webFiles.find((file) => file.fileName.endsWith('/api.ts'))!;
    const fromContract = nodesOf(api).filter(
      (node): node is ts.ImportDeclaration | ts.ExportDeclaration =>
        (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
        node.moduleSpecifier !== undefined &&
        ts.isStringLiteral(node.moduleSpecifier) &&
        node.moduleSpecifier.text.startsWith('../../src/contract/'),
    );
    expect(fromContract.length).toBeGreaterThan(0);
    for (const node of fromContract) {
      const typeOnly = ts.isImportDeclaration(node) ? node.importClause?.isTypeOnly : node.isTypeOnly;
      expect(typeOnly, where(node)).toBe(true);
    }
  });

  it('spells out the store’s roles, no more, no fewer', () => {
    expect(contract.role.options).toEqual([...ROLES]);
  });
});

describe("the dashboard's bundle", () => {
  /** Modules of src/ the dashboard runs, and the packages and node: modules they would bring along. */
  function runtimeImports(): { modules: string[]; packages: string[] } {
    const modules = new Set<string>();
    const packages: string[] = [];
    const follow = (file: ts.SourceFile, inSrc: boolean): void => {
      for (const node of nodesOf(file)) {
        if (!ts.isImportDeclaration(node) || !ts.isStringLiteral(node.moduleSpecifier)) continue;
        if (node.importClause?.isTypeOnly) continue;
        const specifier = node.moduleSpecifier.text;
        if (!specifier.startsWith('.')) {
          if (inSrc) packages.push(`${where(node)} imports '${specifier}'`);
          continue;
        }
        const target = resolve(dirname(file.fileName), specifier).replace(/\.js$/, '.ts');
        if (!target.startsWith(join(ROOT, 'src')) || extname(target) === '.json' || modules.has(target)) continue;
        modules.add(target);
        follow(parse(target), true);
      }
    };
    for (const file of webFiles) follow(file, false);
    return { modules: [...modules].map((m) => relative(ROOT, m)).sort(), packages };
  }

  it("takes only pure modules of src/: the calendar, the TTM window, today, the locales; no package of the server's", () => {
    const { modules, packages } = runtimeImports();
    expect(modules).toEqual(expect.arrayContaining(['src/app/today.ts', 'src/engine/calendar.ts', 'src/engine/rules/ttm-window.ts']));
    expect(modules.filter((m) => m.startsWith('src/contract/') || m.startsWith('src/http/'))).toEqual([]);
    expect(packages).toEqual([]);
  });
});

describe('the OpenAPI document', () => {
  let doc: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>> };
  let close: () => Promise<void>;
  beforeAll(async () => {
    // The document is built from the routes alone: no request reaches the store.
    const app = await buildServer({ store: {} as Store, webRoot: false });
    await app.ready();
    doc = app.swagger() as unknown as typeof doc;
    close = () => app.close();
  });
  afterAll(async () => {
    await close();
  });

  /** Every answer the dashboard reads, and the contract's schema it is. */
  const ANSWERS: readonly [method: string, path: string, status: string, schema: z.ZodType][] = [
    ['post', '/api/v1/session', '200', contract.signedIn],
    ['get', '/api/v1/me', '200', contract.whoAmI],
    ['get', '/api/v1/partners', '200', contract.partnerList],
    ['get', '/api/v1/partner-counts', '200', contract.levelCounts],
    ['get', '/api/v1/partners/{partnerId}', '200', contract.partnerSummary],
    ['get', '/api/v1/partners/{partnerId}/evaluation', '200', contract.evaluationReport],
    ['get', '/api/v1/partners/{partnerId}/plan', '200', contract.partnerPlan],
    ['get', '/api/v1/partners/{partnerId}/forecast', '200', contract.partnerForecast],
    ['get', '/api/v1/partners/{partnerId}/qualifications', '200', contract.qualificationMatrix],
    ['get', '/api/v1/partners/{partnerId}/timeline', '200', contract.partnerTimeline],
    ['get', '/api/v1/partners/{partnerId}/revenue', '200', contract.revenueLinePage],
    ['post', '/api/v1/imports', '200', contract.importReports],
    ['get', '/api/v1/programs', '200', contract.programList],
    ['get', '/api/v1/programs/{programId}/versions/{effectiveFrom}', '200', contract.programVersionDocument],
  ];

  /** @fastify/swagger writes a `const` as a one-value `enum`. */
  const constAsEnum = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(constAsEnum);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => (k === 'const' ? ['enum', [v]] : [k, constAsEnum(v)])));
  };

  /** A schema as the server's OpenAPI transform writes it. */
  const asDocumented = (schema: z.ZodType): unknown => {
    const transformed = jsonSchemaTransform({
      schema: { response: { 200: schema } },
      url: '/contract',
      route: { method: 'GET', url: '/contract' },
      openapiObject: { openapi: '3.1.0' },
    } as unknown as Parameters<typeof jsonSchemaTransform>[0]) as { schema: { response: Record<string, unknown> } };
    return constAsEnum(transformed.schema.response['200']);
  };

  it.each(ANSWERS)('answers %s %s (%s) in the contract’s shape', (method, path, status, schema) => {
    const answer = doc.paths[path]?.[method]?.responses[status]?.content?.['application/json']?.schema;
    expect(answer).toEqual(asDocumented(schema));
  });

  it("describes problems by the contract's schema", () => {
    expect(z.globalRegistry.get(contract.problemSchema)?.id).toBe('Problem');
  });
});
