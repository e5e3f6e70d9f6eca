import { type Database, listen } from "@strata/db";
import PgBoss from "pg-boss";

/** pg-boss keeps its tables in their own schema of the application database. */
export const QUEUE_SCHEMA = "pgboss";
/** One job per attempt of a segmentation run; its data is {@link RunJobData}. */
export const RUN_QUEUE = "segmentation-run";
/** Where run jobs land after their retries are spent (the run is then marked failed). */
/** NOTIFY channel that wakes run consumers when a run is queued (they poll too, as a backstop). */
export const RUN_QUEUED_CHANNEL = "strata_run_queued";

export const RUN_DEAD_LETTER_QUEUE = "segmentation-run-dead";

/** One job per attempt of an import; its data is {@link ImportJobData}. */
export const IMPORT_QUEUE = "data-import";
/** Where import jobs land after their retries are spent (the import is then marked failed). */
export const IMPORT_DEAD_LETTER_QUEUE = "data-import-dead";

/** One job per attempt of a cost-to-serve run; its data is {@link CostToServeJobData}. */
export const COST_TO_SERVE_QUEUE = "cost-to-serve";
/** Where cost-to-serve jobs land after their retries are spent (the run is then marked failed). */
export const COST_TO_SERVE_DEAD_LETTER_QUEUE = "cost-to-serve-dead";

export interface CostToServeJobData {
  runId: string;
  tenantId: string;
  /** The job's own id, repeated in its data: a dead-letter copy gets a new id but must find its run. */
  jobId?: string;
}

/**
 * One job per dataset whose profile is missing or out of date; its data is {@link ProfileJobData}.
 * At most one waits per dataset (singleton key, "stately" policy): a second import queued while one
 * profile job waits adds nothing, and one queued while a profile runs gets a fresh job.
 */
export const PROFILE_QUEUE = "dataset-profile";

export interface ProfileJobData {
  tenantId: string;
  datasetId: string;
}

export interface ImportJobData {
  importId: string;
  tenantId: string;
  /** The job's own id, repeated in its data: a dead-letter copy gets a new id but must find its import. */
  jobId?: string;
}

/** pg-boss's `db` adapter over any connection with `query(text, params)`, e.g. an open transaction's. */
export function queryBossDb(client: {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}): PgBossDb {
  return {
    async executeSql(text: string, values?: unknown[]) {
      const result = await client.query(text, values ?? []);
      return { rows: result.rows as unknown[] };
    },
  } as PgBossDb;
}

export interface RunJobData {
  runId: string;
  tenantId: string;
  /** The job's own id, repeated in its data: a dead-letter copy gets a new id but must find its run. */
  jobId?: string;
}

export interface JobQueueOptions {
  /** Connections of pg-boss's own pool on PostgreSQL (kept apart from the app's pool). */
  poolSize?: number;
  /** Run cron schedules in this process (the consumer does; a web process that only sends does not). */
  schedule?: boolean;
  /** Archive/expire maintenance in this process. */
  supervise?: boolean;
}

type PgBossDb = NonNullable<PgBoss.ConstructorOptions["db"]>;

/** The two PGlite methods the adapter needs (kept structural: the api does not depend on PGlite). */
export interface PgliteLike {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  exec(text: string): Promise<Array<{ rows: unknown[] }>>;
}

/**
 * pg-boss's `db` adapter for PGlite. `query` takes parameters but only one statement; pg-boss sends
 * its schema install and migrations as one parameterless multi-statement script, which only `exec`
 * runs. PGlite is one connection, so pg-boss queries simply queue behind the app's own.
 */
export function pgliteBossDb(client: PgliteLike): PgBossDb {
  return {
    async executeSql(text: string, values?: unknown[]) {
      if (values && values.length > 0) {
        const result = await client.query(text, values);
        return { rows: result.rows as unknown[] };
      }
      const results = await client.exec(text);
      return { rows: (results.at(-1)?.rows ?? []) as unknown[] };
    },
  } as PgBossDb;
}

interface PgPoolLike {
  options: { connectionString?: string; host?: string; port?: number; user?: string; database?: string };
}

/** The client drizzle was given: a PGlite instance or a node-postgres Pool. */
function clientOf(database: Database): unknown {
  return (database.db as unknown as { $client: unknown }).$client;
}

function bossOptions(database: Database, options: JobQueueOptions): PgBoss.ConstructorOptions {
  const common: PgBoss.ConstructorOptions = {
    schema: QUEUE_SCHEMA,
    migrate: true,
    supervise: options.supervise ?? true,
    schedule: options.schedule ?? true,
    // Completed jobs only matter for diagnostics: the run row is the durable record.
    archiveCompletedAfterSeconds: 60 * 60,
    deleteAfterDays: 7,
    maintenanceIntervalSeconds: 60,
  };
  if (database.driver === "pglite") {
    return { ...common, db: pgliteBossDb(clientOf(database) as PgliteLike) };
  }
  // On PostgreSQL pg-boss gets a small pool of its own: its polling must not wait behind (or starve)
  // the app's queries, and a long clustering transaction must not hold up job fetches.
  const pool = clientOf(database) as PgPoolLike;
  const { connectionString, host, port, user, database: name } = pool.options;
  return {
    ...common,
    ...(connectionString ? { connectionString } : { host, port, user, database: name }),
    max: options.poolSize ?? 3,
    application_name: "strata-queue",
  };
}

/**
 * The job queue of one database. Starting it installs or migrates pg-boss's schema (guarded by an
 * advisory lock, so concurrent processes are safe) and makes sure the run queues exist.
 */
export class JobQueue {
  readonly boss: PgBoss;
  readonly #database: Database;
  #started: Promise<void> | undefined;

  constructor(database: Database, options: JobQueueOptions = {}) {
    this.#database = database;
    this.boss = new PgBoss(bossOptions(database, options));
    this.boss.on("error", (error: Error) => console.error("[queue]", error.message));
  }

  get driver() {
    return this.#database.driver;
  }

  start(): Promise<void> {
    this.#started ??= (async () => {
      await this.boss.start();
      await this.ensureQueue(RUN_DEAD_LETTER_QUEUE, { retentionDays: 14 });
      await this.ensureQueue(RUN_QUEUE, {
        // Infrastructure failures (database gone, worker lost) retry with backoff: 5 s, 10 s, 20 s.
        // A run that fails on its own terms (bad input, a crashed thread) completes its job instead.
        retryLimit: 3,
        retryDelay: 5,
        retryBackoff: true,
        // Only a backstop, longer than any run's own limit (at most 23 h, enforced by the consumer;
        // pg-boss allows under 24 h): a dead worker is noticed by the run's heartbeat, not by expiry.
        expireInSeconds: 23.5 * 60 * 60,
        deadLetter: RUN_DEAD_LETTER_QUEUE,
      });
      await this.ensureQueue(IMPORT_DEAD_LETTER_QUEUE, { retentionDays: 14 });
      await this.ensureQueue(IMPORT_QUEUE, {
        // As for runs: only infrastructure failures retry; an import that fails on its own terms (a
        // file that cannot be read, invalid rows) completes its job with the import marked failed.
        retryLimit: 3,
        retryDelay: 5,
        retryBackoff: true,
        // A backstop only: a dead worker is noticed by the import's heartbeat.
        expireInSeconds: 6 * 60 * 60,
        deadLetter: IMPORT_DEAD_LETTER_QUEUE,
      });
      await this.ensureQueue(COST_TO_SERVE_DEAD_LETTER_QUEUE, { retentionDays: 14 });
      await this.ensureQueue(COST_TO_SERVE_QUEUE, {
        // As for imports: only infrastructure failures retry; a run that fails on its own terms (a
        // model the data does not fit) completes its job with the run marked failed.
        retryLimit: 3,
        retryDelay: 5,
        retryBackoff: true,
        // A backstop only: a dead worker is noticed by the run's heartbeat.
        expireInSeconds: 6 * 60 * 60,
        deadLetter: COST_TO_SERVE_DEAD_LETTER_QUEUE,
      });
      await this.ensureQueue(PROFILE_QUEUE, {
        policy: "stately",
        // A profile is SQL aggregates over one dataset: minutes at most. A lost one is queued again
        // by the consumer's sweep (the dataset still reads as profiled before its last change).
        retryLimit: 2,
        retryDelay: 10,
        expireInSeconds: 30 * 60,
      });
    })();
    return this.#started;
  }

  async ensureQueue(name: string, options: Omit<PgBoss.Queue, "name"> = {}): Promise<void> {
    const existing = await this.boss.getQueue(name);
    if (existing) return;
    try {
      await this.boss.createQueue(name, { name, ...options });
    } catch (error) {
      // Another process created it between our check and our create.
      if (!(await this.boss.getQueue(name))) throw error;
    }
  }

  /**
   * Queues the job of one attempt of a run; the job id is chosen by the caller (stored on the run).
   * `priority` is the workspace's fair share (see fair-share.ts); `startAfter` (seconds) defers it.
   */
  async sendRun(
    data: RunJobData,
    jobId: string,
    options: { expireInSeconds?: number; priority?: number; startAfter?: number } = {},
  ): Promise<void> {
    await this.start();
    await this.boss.send(RUN_QUEUE, { ...data, jobId }, { id: jobId, ...options });
    // A consumer waiting out its poll takes the run now (a deferred run waits anyway).
    if (!options.startAfter) await this.#database.query("select pg_notify($1, '')", [RUN_QUEUED_CHANNEL]);
  }

  /**
   * Wakes this process's run workers (ids from `boss.work`) whenever a run is queued, by any
   * process; resolves to the function that stops it. Without it they find runs at their next poll.
   */
  onRunQueued(workerIds: string[]): Promise<() => Promise<void>> {
    return listen(this.#database, RUN_QUEUED_CHANNEL, () => {
      for (const id of workerIds) this.boss.notifyWorker(id);
    });
  }

  async cancelRunJob(jobId: string): Promise<void> {
    await this.start();
    await this.boss.cancel(RUN_QUEUE, jobId);
  }

  async getRunJob(jobId: string) {
    await this.start();
    return this.boss.getJobById(RUN_QUEUE, jobId);
  }

  /**
   * Queues the job of one attempt of an import. With `db` (an open transaction's adapter, see
   * {@link queryBossDb}) the job is written in that transaction, so it exists exactly when the
   * import row that names it commits. Resolves to false when the queue is not installed yet.
   */
  async sendImport(data: ImportJobData, jobId: string, options: { db?: PgBossDb } = {}): Promise<boolean> {
    // Inside a caller's transaction we must not start pg-boss: on PGlite its queries would wait for
    // that very transaction. The insert simply finds no queue then (and the recovery sweep sends it).
    if (!options.db) await this.start();
    const id = await this.boss.send(IMPORT_QUEUE, { ...data, jobId }, { id: jobId, ...options });
    return id !== null;
  }

  /**
   * Queues a profile of one dataset unless one is already waiting. With `db` (an open transaction's
   * adapter) the job is written in that transaction. Resolves to false when nothing was queued.
   */
  async sendProfile(data: ProfileJobData, options: { db?: PgBossDb } = {}): Promise<boolean> {
    if (!options.db) await this.start();
    const id = await this.boss.send(PROFILE_QUEUE, data, { singletonKey: data.datasetId, ...options });
    return id !== null;
  }

  /**
   * Queues the job of one attempt of a cost-to-serve run; with `db` (an open transaction's adapter)
   * the job is written in that transaction. Resolves to false when the queue is not installed yet.
   */
  async sendCostToServe(
    data: CostToServeJobData,
    jobId: string,
    options: { db?: PgBossDb } = {},
  ): Promise<boolean> {
    if (!options.db) await this.start();
    const id = await this.boss.send(COST_TO_SERVE_QUEUE, { ...data, jobId }, { id: jobId, ...options });
    return id !== null;
  }

  async cancelImportJob(jobId: string): Promise<void> {
    await this.start();
    await this.boss.cancel(IMPORT_QUEUE, jobId);
  }

  /**
   * A cron schedule (UTC by default) that sends `data` to `queue` at each tick; one per queue name,
   * re-scheduling replaces it. Used for periodic re-segmentation.
   */
  async schedule(queue: string, cron: string, data: object, options: PgBoss.ScheduleOptions = {}) {
    await this.start();
    await this.ensureQueue(queue);
    await this.boss.schedule(queue, cron, data, options);
  }

  async unschedule(queue: string): Promise<void> {
    await this.start();
    await this.boss.unschedule(queue);
  }

  async stop(): Promise<void> {
    if (!this.#started) return;
    await this.#started.catch(() => undefined);
    // graceful:false — the consumer has already drained its own work; close:true ends our pool.
    await this.boss.stop({ graceful: false, wait: true, close: true, timeout: 5_000 });
  }
}

const queues = new WeakMap<Database, JobQueue>();

/**
 * The process's queue for a database (created on first use and started lazily). The web process uses
 * it to send jobs; the consumer uses the same instance to work them, so one process holds one pg-boss.
 */
export function getJobQueue(database: Database, options?: JobQueueOptions): JobQueue {
  let queue = queues.get(database);
  if (!queue) {
    queue = new JobQueue(database, options);
    queues.set(database, queue);
  }
  return queue;
}

/** Forgets (and stops) the queue of a database that is being closed. */
export async function closeJobQueue(database: Database): Promise<void> {
  const queue = queues.get(database);
  queues.delete(database);
  await queue?.stop();
}
