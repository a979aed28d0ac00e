import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundleOptions, entries, root } from '../scripts/build';

/**
 * What `npm start` and `npm run worker` run is scripts/build.ts's bundle, not the sources (the
 * readme and CLI tests start it for real). Its packages come from node_modules at run time, so each
 * must be a production dependency: a deployment installed with `npm ci --omit=dev` has no other.
 */
describe('the bundle npm start runs', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string>; scripts: Record<string, string> };
  const packageOf = (spec: string) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

  it('loads only Node built-ins and production dependencies, and no TypeScript loader', async () => {
    const result = await build({ ...bundleOptions, entryPoints: entries, write: false, metafile: true });
    const external = new Set(Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)));
    const packages = [...external].filter((p) => !p.startsWith('node:') && !builtinModules.includes(p)).map(packageOf);
    expect(packages.length).toBeGreaterThan(10); // the bundle did keep packages out (hono, drizzle, bullmq, …)
    expect(packages.filter((p) => !(p in pkg.dependencies))).toEqual([]);
    expect(packages).not.toContain('tsx');
    // Each entry is one file: a lazy import of our own code would need a chunk beside it.
    expect(Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.mjs')).map((f) => f.replace(/^dist\//, '')).sort()).toEqual(['node.mjs', 'worker.mjs']);
  });

  it('is what npm start and npm run worker run, built first by npm', () => {
    expect(pkg.scripts.prestart).toContain('scripts/build.ts');
    expect(pkg.scripts.preworker).toContain('scripts/build.ts');
    expect(pkg.scripts.start).toMatch(/^node (--[\w-]+=\S+ )*dist\/node\.mjs$/);
    expect(pkg.scripts.worker).toMatch(/^node (--[\w-]+=\S+ )*dist\/worker\.mjs$/);
    // The builder is needed at start: a production install must have it.
    expect(pkg.dependencies).toHaveProperty('esbuild');
  });
});
