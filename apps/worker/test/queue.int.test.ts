import { randomUUID } from "node:crypto";
import { closeJobQueue, getJobQueue, type JobQueue, RUN_QUEUE } from "@strata/api/jobs";
import { createTestDb, type TestDatabase, testDrivers } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sleep, waitFor } from "./helpers.js";

// pg-boss on both drivers: on PGlite through the executeSql adapter (exec for its multi-statement
// schema scripts), on PostgreSQL with a pool of its own.
describe.each(testDrivers())("the job queue on %s", (driver) => {
  let database: TestDatabase;
  let queue: JobQueue;

  beforeAll(async () => {
    database = await createTestDb(driver);
    queue = getJobQueue(database);
    await queue.start();
  });

  afterAll(async () => {
    if (database) await closeJobQueue(database);
    await database?.cleanup();
  });

  it("installs its schema and the run queues", async () => {
    const { rows } = await database.query<{ name: string }>("select name from pgboss.queue order by name");
    expect(rows.map((r) => r.name)).toEqual(
      expect.arrayContaining(["segmentation-run", "segmentation-run-dead"]),
    );
    const { rows: version } = await database.query<{ version: number }>("select version from pgboss.version");
    expect(version[0]!.version).toBeGreaterThan(0);
  });

  it("retries a failing job and then moves it to its dead-letter queue", async () => {
    const name = `flaky-${randomUUID().slice(0, 8)}`;
    await queue.ensureQueue(`${name}-dead`);
    await queue.ensureQueue(name, { retryLimit: 2, retryDelay: 0, deadLetter: `${name}-dead` });
    const attempts: number[] = [];
    await queue.boss.work<{ n: number }>(
      name,
      { pollingIntervalSeconds: 0.5, includeMetadata: true },
      async ([job]) => {
        attempts.push(job!.retryCount);
        throw new Error("always fails");
      },
    );
    const id = await queue.boss.send(name, { n: 1 });
    const dead = await waitFor("the dead letter", async () => {
      const [job] = await queue.boss.fetch<{ n: number }>(`${name}-dead`);
      return job;
    });
    expect(dead.data).toEqual({ n: 1 });
    expect(attempts).toEqual([0, 1, 2]);
    const failed = await queue.boss.getJobById(name, id!);
    expect(failed).toMatchObject({ state: "failed", retryCount: 2, output: { message: "always fails" } });
    await queue.boss.offWork(name);
  });

  it("wakes a run worker when a run is queued instead of leaving it to the worker's next poll", async () => {
    const taken: string[] = [];
    const workerId = await queue.boss.work<{ jobId: string }>(
      RUN_QUEUE,
      { pollingIntervalSeconds: 60 },
      async ([job]) => {
        taken.push(job!.id);
      },
    );
    const stopListening = await queue.onRunQueued([workerId]);
    try {
      // The worker's first poll has found nothing: it now waits a minute unless woken.
      await sleep(1_000);
      const jobId = randomUUID();
      await queue.sendRun({ runId: randomUUID(), tenantId: randomUUID() }, jobId);
      await waitFor("the run's job to be taken", async () => (taken.includes(jobId) ? true : undefined), {
        timeoutMs: 15_000,
      });
    } finally {
      await stopListening();
      await queue.boss.offWork({ id: workerId });
    }
  });

  it("cancels a job before a worker takes it", async () => {
    const name = `later-${randomUUID().slice(0, 8)}`;
    await queue.ensureQueue(name);
    const id = await queue.boss.send(name, {}, { startAfter: 60 });
    await queue.boss.cancel(name, id!);
    expect(await queue.boss.getJobById(name, id!)).toMatchObject({ state: "cancelled" });
    expect(await queue.boss.fetch(name, { ignoreStartAfter: true })).toEqual([]);
  });

  it("keeps cron schedules (for periodic re-segmentation) until they are removed", async () => {
    const name = `nightly-${randomUUID().slice(0, 8)}`;
    await queue.schedule(name, "0 3 * * *", { workspace: "demo" }, { tz: "Europe/Amsterdam" });
    expect(await queue.boss.getSchedules()).toContainEqual(
      expect.objectContaining({
        name,
        cron: "0 3 * * *",
        timezone: "Europe/Amsterdam",
        data: { workspace: "demo" },
      }),
    );
    await queue.unschedule(name);
    expect((await queue.boss.getSchedules()).map((s) => s.name)).not.toContain(name);
  });
});
