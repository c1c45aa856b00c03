// Adds the plain closing line "vitest: N passed, N failed, N skipped" after vitest's own
// summary, so tools that read only that line know how many tests ran.
import type { Reporter } from 'vitest/reporters';

interface TaskLike {
  type: string;
  mode?: string;
  result?: { state?: string };
  tasks?: TaskLike[];
}

export default class SummaryReporter implements Reporter {
  onFinished(files: TaskLike[] = [], errors: unknown[] = []): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const visit = (t: TaskLike): void => {
      if (t.tasks && t.type !== 'test') {
        // A file or suite that failed on its own (import error, hook) counts as one failure.
        if (t.result?.state === 'fail' && !t.tasks.some((c) => c.result?.state === 'fail')) failed++;
        t.tasks.forEach(visit);
        return;
      }
      const state = t.result?.state;
      if (state === 'pass') passed++;
      else if (state === 'fail') failed++;
      else skipped++;
    };
    files.forEach(visit);
    failed += errors.length;
    process.stdout.write(`\nvitest: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
