import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, projectCopy, readerEnv, root, stopGroup } from './project-copy';

/**
 * The README runs as written: every shell block of its five-minute walkthrough, the chasing steps
 * and the registry tour, taken from README.md itself (so the README cannot drift), run top to
 * bottom by bash in a fresh copy of the project folder (a fresh embedded database), against the
 * real `npm start`. Only the port differs, so that the suite does not need 8787 free.
 */
/** The ```bash blocks from "## Five-minute walkthrough" up to the registry's endpoint table. */
export function walkthroughBlocks(readme: string): string[] {
  const from = readme.indexOf('## Five-minute walkthrough');
  const to = readme.indexOf('| endpoint (`/api/v1`)', from);
  return [...readme.slice(from, to).matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('README walkthrough', () => {
  let remove = async () => {};
  let pgid = 0;
  afterAll(async () => {
    // The walkthrough leaves `npm start` running in the background, as a reader would: stop it.
    await stopGroup(pgid);
    await remove();
  });

  it('runs top to bottom, every answer a success, and the log shows the 📨 line as written', { timeout: 240_000 }, async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const blocks = walkthroughBlocks(readme);
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    const port = await freePort();
    // A fresh project folder: the code (copied), its own ./data (a new PGlite database) and files.
    const copy = await projectCopy('imprimatur-readme-');
    const dir = copy.dir;
    remove = copy.remove;
    // Fail on the first command that fails; every curl fails on a 4xx/5xx and ends its answer with a newline.
    const prelude = ['set -eo pipefail', 'curl() { command curl --fail-with-body "$@" && echo; }'].join('\n');
    // Between the first two blocks the reader opens the first link, as the README says ("Open it"):
    // the page view's own log line must not confuse the next block's link-picking.
    const openIt = [
      `until grep -q '📨 【待审核】' server.log; do sleep 1; done`,
      `curl -s -o /dev/null "$(grep '📨 【待审核】' server.log | tail -1 | grep -o 'http://[^ ]*/s/[A-Za-z0-9_-]*')"`,
    ].join('\n');
    const script = [prelude, blocks[0], openIt, ...blocks.slice(1)].join('\n').replaceAll('8787', String(port));
    const env = readerEnv(dir, port);
    const child = spawn('bash', ['-c', script], { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    pgid = child.pid!;
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const log = await readFile(join(dir, 'server.log'), 'utf8').catch(() => '');
    expect(code, `script failed\nstdout:\n${out}\nstderr:\n${err}\nserver.log (tail):\n${log.slice(-3000)}`).toBe(0);

    const answers = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
    expect(answers.every((a) => !('error' in a)), JSON.stringify(answers.filter((a) => 'error' in a))).toBe(true);
    // The draft went the whole chain; the audit chain holds; the chasing draft was urged.
    expect(answers.some((a) => a.title === '关于举办学术讲座的通知' && a.status === 'approved')).toBe(true);
    expect(answers.some((a) => a.ok === true && typeof a.events === 'number' && a.events > 0)).toBe(true);
    expect(answers.some((a) => a.title === '关于校园开放日的通知' && a.status === 'in_review')).toBe(true);
    expect(answers.some((a) => a.valid === true && a.status === 'valid')).toBe(true);
    expect(answers.some((a) => typeof a.registrationNo === 'string' && Array.isArray(a.events))).toBe(true);

    // The demo made its college (once) and says whose tokens it printed.
    const demo = JSON.parse(await readFile(join(dir, 'demo.json'), 'utf8'));
    expect(demo).toMatchObject({ existing: false });
    expect(demo.unitName).toMatch(/^示范学院（[0-9A-Z]{4}）$/);
    expect(demo.holders.drafter).toMatchObject({ name: '李撰稿' });
    expect(Object.keys(demo.holders).sort()).toEqual(Object.keys(demo.tokens).sort());

    // The 📨 line, exactly as the README shows it (its <token> standing for the link's token).
    const shown = /The server log now shows `(📨[^`]*)`|`server\.log` shows `(📨[^`]*)`/.exec(readme);
    expect(shown, 'the README shows a 📨 line').not.toBeNull();
    const template = (shown![1] ?? shown![2]!).replaceAll('8787', String(port));
    // The whole line: the time and the level (README: "after the time and the level"), then exactly that.
    const pattern = new RegExp(`^\\[\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] INFO: ${template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('<token>', '[A-Za-z0-9_-]{20,}')}$`, 'm');
    expect(log).toMatch(pattern);
  });
});
