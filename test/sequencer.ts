import { readFileSync } from 'node:fs';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Without timings from an earlier run (a clean clone, as in CI) vitest starts the biggest files
 * first. The slowest are rather those that drive Chromium or start processes, whatever their size:
 * begun late, one of them runs on alone at the end while the other workers idle (a 4-minute tail).
 * So, when any file's timing is unknown, those go first (each group biggest first, as vitest would).
 * With timings known, vitest's own order stands: slowest first.
 */
export default class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const timed = (spec: TestSpecification) => !!this.ctx.cache.getFileTestResults(`${spec.project.name}:${spec.moduleId.slice(this.ctx.config.root.length + 1)}`);
    if (sorted.every(timed)) return sorted;
    const slow = (spec: TestSpecification) => /from '\.\/browser'|node:child_process|project-copy/.test(readFileSync(spec.moduleId, 'utf8'));
    return [...sorted.filter(slow), ...sorted.filter((spec) => !slow(spec))];
  }
}
