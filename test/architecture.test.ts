/**
 * The layers of docs/DESIGN.md, read from the imports of src/: no two folders import
 * each other (directly or through a circle), and the engine imports no Node module
 * (it knows no files, processes or threads).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** The folder of src/ a file belongs to ('.' for the shared files at the top). */
function folderOf(file: string): string {
  const parts = relative(SRC, file).split('/');
  return parts.length === 1 ? '.' : parts[0];
}

/** Import specifiers of a file: `from '…'`, bare `import '…'` and dynamic `import('…')`. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/from '([^']+)'|import '([^']+)'|import\('([^']+)'\)/g)];
  return found.map((m) => m[1] ?? m[2] ?? m[3]);
}

const FILES = sourceFiles(SRC);

/** folder → folders it imports from (relative imports only, itself excluded). */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of FILES) {
    const from = folderOf(file);
    if (!graph.has(from)) graph.set(from, new Set());
    for (const specifier of importsOf(file)) {
      if (!specifier.startsWith('.')) continue;
      const target = folderOf(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      if (target !== from) graph.get(from)!.add(target);
    }
  }
  return graph;
}

describe('the layers of src/', () => {
  it('no folder imports another that imports it back, directly or through a circle', () => {
    const graph = folderGraph();
    const cycles: string[] = [];
    const visit = (node: string, path: string[]) => {
      for (const next of graph.get(node) ?? []) {
        if (path.includes(next)) {
          cycles.push([...path.slice(path.indexOf(next)), next].join(' → '));
        } else {
          visit(next, [...path, next]);
        }
      }
    };
    for (const node of graph.keys()) visit(node, [node]);
    expect(cycles).toEqual([]);
    // the graph is what the check ran on: it has the folders and some edges
    expect([...graph.keys()].sort()).toEqual(
      expect.arrayContaining(['cli', 'commands', 'engine', 'io', 'parallel', 'present']),
    );
    expect(graph.get('cli')!.has('commands')).toBe(true);
  });

  it('the engine imports no Node module', () => {
    const engine = FILES.filter((file) => folderOf(file) === 'engine');
    expect(engine.length).toBeGreaterThan(10);
    const offending = engine.flatMap((file) =>
      importsOf(file)
        .filter((s) => s.startsWith('node:'))
        .map((s) => `${relative(SRC, file)}: ${s}`),
    );
    expect(offending).toEqual([]);
  });
});
