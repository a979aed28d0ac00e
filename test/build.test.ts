import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { promisify } from 'node:util';
import { ascii, bundle, bundleOptions, entries, root } from '../scripts/build';
import { projectCopy } from './project-copy';

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
    expect(pkg.scripts.start).toMatch(/^node (--[\w-]+(=\S+)? )*dist\/node\.mjs$/);
    expect(pkg.scripts.worker).toMatch(/^node (--[\w-]+(=\S+)? )*dist\/worker\.mjs$/);
    // The builder is needed at start: a production install must have it.
    expect(pkg.dependencies).toHaveProperty('esbuild');
  });
});

describe('the bundle in ASCII (V8 then keeps its source one byte per character)', () => {
  it('holds no character past ASCII', async () => {
    const files = await bundle({ entryPoints: entries });
    expect(files.map((f) => f.path.replace(/^.*\//, '')).sort()).toEqual(['node.mjs', 'worker.mjs']);
    for (const f of files) expect(f.text).not.toMatch(/[^\x00-\x7f]/);
  });

  it('means what the source means: templates, tagged templates, regular expressions and comments', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imp-ascii-'));
    try {
      // What escaping after esbuild could get wrong, each beside its answer from the source itself.
      const source = `
        // 审核 — a comment
        const tag = (s: TemplateStringsArray, ...v: unknown[]) => ({ cooked: [...s], raw: [...s.raw], v });
        const who = '李撰稿';
        export const answers = () => [
          \`\${who}，您好：\`,
          tag\`【待审核】\${who}\\n…\`,
          [...'稿件，附件、图片；'.split(/[，、；]/)],
          /^[😀-😂]$/u.test('😁'),
          /\\p{Script=Han}+/u.exec('abc中文def')![0],
        ];`;
      writeFileSync(join(dir, 'probe.ts'), source);
      const [file] = await bundle({ absWorkingDir: dir, entryPoints: { probe: 'probe.ts' }, outdir: dir });
      expect(file!.text).not.toMatch(/[^\x00-\x7f]/);
      writeFileSync(file!.path, file!.text);
      const built = (await import(file!.path)) as { answers(): unknown[] };
      const original = (await import(join(dir, 'probe.ts'))) as { answers(): unknown[] };
      expect(built.answers()).toEqual(original.answers());
      expect(built.answers()[1]).toEqual({ cooked: ['【待审核】', '\n…'], raw: ['【待审核】', '\\n…'], v: ['李撰稿'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a character it cannot escape rather than change its meaning', () => {
    expect(() => ascii('/a\\，b/')).toThrow(/cannot write/);
    expect(ascii('"x" // 中 → y')).toBe('"x" // \\u4e2d \\u2192 y');
  });
});

describe('building while another process starts', () => {
  it('a process reading dist/ while others rebuild it never sees a file half-written', async () => {
    // `npm start` and `npm run worker` started together both build, and the first to finish starts
    // node on dist/node.mjs while the other may still be writing it.
    const copy = await projectCopy('imp-build-');
    try {
      const buildOnce = () => promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { cwd: copy.dir });
      await buildOnce();
      const whole = readFileSync(join(copy.dir, 'dist/node.mjs')).length;
      // The reader is a process of its own (as the other node is): it reads the file whole, again and
      // again, until told to stop, and reports every size it saw.
      const reader = spawn(process.execPath, ['-e', `
        const fs = require('node:fs'); const sizes = new Set(); let stop = false;
        process.stdin.on('data', () => { stop = true; });
        const loop = () => { for (let i = 0; i < 50; i++) sizes.add(fs.readFileSync('dist/node.mjs').length); if (stop) process.stdout.write(JSON.stringify([...sizes]), () => process.exit(0)); else setImmediate(loop); };
        loop();`], { cwd: copy.dir, stdio: ['pipe', 'pipe', 'inherit'] });
      let seen = '';
      reader.stdout.on('data', (d: Buffer) => (seen += d.toString()));
      for (let round = 0; round < 4; round++) await Promise.all([buildOnce(), buildOnce(), buildOnce()]);
      reader.stdin.write('stop\n');
      await new Promise((r) => reader.once('exit', r));
      expect(JSON.parse(seen)).toEqual([whole]);
    } finally {
      await copy.remove();
    }
    // Twelve builds, each a node process: on two cores shared with the browser tests, well past the default 30 s.
  }, 180_000);
});
