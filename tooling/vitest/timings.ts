import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";

// scripts/bench-test.mjs sets STRATA_TEST_REPORTS to a folder per stage of `npm test`; each vitest
// run then writes one JSON file there: per test file, the time spent importing it (collect), in
// vitest's per-file setup, in its hooks (beforeAll: making the database) and in its tests, which
// BENCHMARKS-test.md sums up. Without the variable this reporter does nothing.
// Listed by path in each vitest config (vitest loads it), so no package's typecheck follows it here;
// hence the few structural types below instead of vitest's own.

type Diagnostic = {
  collectDuration: number;
  setupDuration: number;
  prepareDuration: number;
  environmentSetupDuration: number;
  duration: number;
};
type TestCase = {
  fullName: string;
  diagnostic(): { duration: number } | undefined;
  result(): { state: string };
};
type TestModule = {
  moduleId: string;
  diagnostic(): Diagnostic;
  children: { allTests(): Iterable<TestCase> };
};

export default class TimingReporter {
  private root = process.cwd();

  onInit(vitest: { config: { root: string } }): void {
    this.root = vitest.config.root;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const folder = process.env.STRATA_TEST_REPORTS;
    if (!folder) return;
    const repo = join(this.root, "..", "..");
    const files = modules.map((module) => {
      const d = module.diagnostic();
      const tests = [...module.children.allTests()].map((test) => ({
        name: test.fullName,
        ms: Math.round(test.diagnostic()?.duration ?? 0),
        state: test.result().state,
      }));
      const testsMs = tests.reduce((sum, t) => sum + t.ms, 0);
      return {
        file: relative(repo, module.moduleId),
        setupMs: Math.round(d.environmentSetupDuration + d.prepareDuration + d.setupDuration),
        collectMs: Math.round(d.collectDuration),
        hooksMs: Math.max(0, Math.round(d.duration) - testsMs),
        testsMs,
        tests,
      };
    });
    mkdirSync(folder, { recursive: true });
    const pkg = basename(this.root);
    writeFileSync(join(folder, `${pkg}-${process.pid}.json`), JSON.stringify({ package: pkg, files }));
  }
}
