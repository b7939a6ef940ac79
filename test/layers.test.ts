/**
 * The layers of src/, held by their imports: the engine is pure and depends on
 * nothing of ours; the HTTP API does not reach into the command line; the
 * application layer is handed its store and files as ports; and no two
 * folders depend on each other, so each can be read (and changed) from the
 * bottom up. Imports are read with the TypeScript parser, so that comments and
 * strings cannot pass for them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

interface Import {
  /** The importing file, relative to the repository (`src/engine/problems.ts`). */
  readonly file: string;
  readonly specifier: string;
  /** `import type` or `export type`: erased when compiled, a reference to shapes only. */
  readonly typeOnly: boolean;
  /** The src folder of each end: `engine`, `cli`…; a file directly in src/ is its own (`src/index.ts`). */
  readonly from: string;
  readonly to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The folder under src/ that a path belongs to; undefined outside src/ (package.json, definitions/). */
function folderOf(path: string): string | undefined {
  const rel = relative(SRC, path);
  if (rel === '' || rel.startsWith('..')) return undefined;
  const parts = rel.split(sep);
  return parts.length === 1 ? `src/${parts[0]}` : parts[0];
}

function specifiersOf(text: string, file: string): { specifier: string; typeOnly: boolean }[] {
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.importClause?.isTypeOnly ?? false });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) found.push({ specifier: arg.text, typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      // `import('…').Type` in a type position: a reference to a shape, erased like `import type`.
      found.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS));
  return found;
}

/** Every import from one src folder into another; packages, node: modules and files outside src/ are left out. */
const imports: Import[] = sourceFiles(SRC).flatMap((path) => {
  const from = folderOf(path)!;
  const file = relative(resolve(SRC, '..'), path).split(sep).join('/');
  return specifiersOf(readFileSync(path, 'utf8'), path).flatMap(({ specifier, typeOnly }) => {
    if (!specifier.startsWith('.')) return [];
    const to = folderOf(resolve(dirname(path), specifier));
    return to === undefined || to === from ? [] : [{ file, specifier, typeOnly, from, to }];
  });
});

const shown = (i: Import): string => `${i.file} imports${i.typeOnly ? ' type' : ''} '${i.specifier}' (${i.to})`;

/** One cycle through each group of folders that depend on each other, with an import for each step. */
function cycles(): string[] {
  const edges = new Map<string, Map<string, Import>>();
  for (const i of imports) {
    const out = edges.get(i.from) ?? new Map<string, Import>();
    if (!out.has(i.to)) out.set(i.to, i);
    edges.set(i.from, out);
  }
  const folders = [...new Set(imports.flatMap((i) => [i.from, i.to]))].sort();
  const next = (folder: string): string[] => [...(edges.get(folder)?.keys() ?? [])].sort();

  // Tarjan's strongly connected components: a component of two or more folders holds a cycle.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const folder of folders) if (!index.has(folder)) connect(folder);

  return components.map((component) => {
    // The shortest way from the component's first folder back to itself, within the component.
    const start = component[0]!;
    const inside = new Set(component);
    const came = new Map<string, string>();
    const queue = [start];
    let back: string | undefined;
    while (queue.length > 0 && back === undefined) {
      const v = queue.shift()!;
      for (const w of next(v)) {
        if (!inside.has(w)) continue;
        if (w === start) {
          back = v;
          break;
        }
        if (!came.has(w)) {
          came.set(w, v);
          queue.push(w);
        }
      }
    }
    const path = [start];
    for (let v = back!; v !== start; v = came.get(v)!) path.splice(1, 0, v);
    path.push(start);
    const steps = path.slice(0, -1).map((v, k) => shown(edges.get(v)!.get(path[k + 1]!)!));
    const also = component.length > path.length - 1 ? ` (the cycle's folders: ${component.join(', ')})` : '';
    return `${path.join(' → ')}${also}: ${steps.join('; ')}`;
  });
}

describe('the layers of src/', () => {
  it('finds the imports it judges', () => {
    // A parser that found nothing would pass every rule below.
    expect(imports.some((i) => i.from === 'cli' && i.to === 'engine')).toBe(true);
    expect(imports.some((i) => i.from === 'i18n' && i.to === 'engine')).toBe(true);
  });

  it('keeps the engine free of every other folder', () => {
    expect(imports.filter((i) => i.from === 'engine').map(shown)).toEqual([]);
  });

  it('keeps the HTTP API out of the command line', () => {
    expect(imports.filter((i) => i.from === 'http' && i.to === 'cli').map(shown)).toEqual([]);
  });

  it('has no cycle between folders', () => {
    expect(cycles()).toEqual([]);
  });

  it('hands the application layer its store and files as ports: types only', () => {
    expect(imports.filter((i) => i.from === 'app' && (i.to === 'files' || i.to === 'store') && !i.typeOnly).map(shown)).toEqual([]);
  });
});
