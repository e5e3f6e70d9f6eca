import { vi } from "vitest";

// `npm test` runs the unit suites a second and third time with STRATA_TEST_NOW set to other
// dates, so a test that only passes on the day it was written fails in CI, not a month later.
// Only Date is faked, and it keeps ticking: timers, timeouts and durations behave as usual.
const now = process.env.STRATA_TEST_NOW;
if (now) {
  const at = new Date(now);
  if (Number.isNaN(at.getTime())) throw new Error(`STRATA_TEST_NOW is not a date: ${now}`);
  vi.useFakeTimers({ now: at, toFake: ["Date"], shouldAdvanceTime: true });
}
