import { appendFileSync } from "node:fs";
import { afterAll, expect, vi } from "vitest";

// `npm test` runs the unit suites a second and third time with STRATA_TEST_NOW set to other
// dates, so a test that only passes on the day it was written fails in CI, not a month later.
// Only Date is faked, and it keeps ticking: timers, timeouts and durations behave as usual.
const now = process.env.STRATA_TEST_NOW;
if (now) {
  const at = new Date(now);
  if (Number.isNaN(at.getTime())) throw new Error(`STRATA_TEST_NOW is not a date: ${now}`);
  vi.useFakeTimers({ now: at, toFake: ["Date"], shouldAdvanceTime: true });
}

// Which suites can the date change at all? Faking Date changes only what "now" is: `Date.now()`,
// `new Date()` and `Date()` without a value. A suite whose code (its own, ours or a library's, in
// this process: child processes and worker threads never see the fake) never asks that cannot
// pass or fail differently on another day. With STRATA_TEST_CLOCK_PROBE set to a file, the first
// run of the suites appends to it the path of every test file that read "now" anywhere in this
// process except inside vitest itself, and `npm test` reruns just those suites on the other dates.
const probe = process.env.STRATA_TEST_CLOCK_PROBE;
if (probe && !now) {
  const RealDate = Date;
  let readsNow = false;
  const VITEST_OWN =
    /[/\\]node_modules[/\\](?:\.pnpm[/\\][^/\\]+[/\\]node_modules[/\\])?(?:vitest|@vitest|tinypool|tinyspy|tinybench)[/\\]/;
  const note = () => {
    if (readsNow) return;
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 4;
    // Frame 0 is this function, 1 the Date wrapper, 2 whoever asked for the time.
    const caller = new Error().stack?.split("\n")[3] ?? "";
    Error.stackTraceLimit = limit;
    if (!VITEST_OWN.test(caller)) readsNow = true;
  };
  globalThis.Date = new Proxy(RealDate, {
    construct(target, args, newTarget) {
      if (args.length === 0) note();
      return Reflect.construct(target, args, newTarget);
    },
    apply(target, thisArg, args) {
      note();
      return Reflect.apply(target, thisArg, args);
    },
    get(target, key, receiver) {
      if (key === "now") {
        return () => {
          note();
          return RealDate.now();
        };
      }
      return Reflect.get(target, key, receiver);
    },
  });
  afterAll(() => {
    globalThis.Date = RealDate;
    if (readsNow) appendFileSync(probe, `${expect.getState().testPath}\n`);
  });
}
