import { getOptionalStringFromEnv } from '../config';
import { logger } from '../logger';

/**
 * The stand-in for a job queue and its Lambda workers where there is no SQS (the local
 * runtime, the tests): at most `workers` runs at once, as the event source mapping's
 * maximum concurrency allows in AWS, and the next run goes to the organization that is
 * served least, as SQS fair queues do with the message group id. So locally too one
 * organization's backlog cannot hold every worker while another's job waits.
 */
export interface WaitingRun {
  tenant: string;
  /** Arrival order. */
  seq: number;
}

export interface TenantLoad {
  /** Runs of the tenant going on now. */
  running: ReadonlyMap<string, number>;
  /** When each tenant's last run started (a counter, larger is later); absent when never. */
  lastStarted: ReadonlyMap<string, number>;
}

/**
 * Which waiting run starts next: the tenant with the fewest runs going on, then the one
 * whose last run started longest ago (round robin), then the oldest arrival. Pure, so the
 * order is tested directly. Undefined when nothing waits.
 */
export const pickNextRun = (waiting: readonly WaitingRun[], load: TenantLoad): number | undefined => {
  let best: number | undefined;
  const rank = (run: WaitingRun) => [load.running.get(run.tenant) ?? 0, load.lastStarted.get(run.tenant) ?? -1, run.seq] as const;
  waiting.forEach((run, index) => {
    const other = best === undefined ? undefined : waiting[best];
    if (other === undefined) {
      best = index;
      return;
    }
    const [a, b] = [rank(run), rank(other)];
    if (a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2])))) best = index;
  });
  return best;
};

/** The AWS stack's maximum concurrency of each job worker; LOCAL_JOB_WORKERS overrides it. */
export const DEFAULT_LOCAL_WORKERS = 5;

/**
 * Every local queue of this process, and whether the process is stopping its jobs. The local
 * runtime stops them before it stops: a run must not still write into DATA_DIR (label files,
 * export parts) once its service said it stopped and the directory may be removed.
 */
const queues = new Set<LocalJobQueue>();
let stopping = false;

/**
 * The time left to a local run with this deadline: none once the runtime is stopping, so the
 * run saves its progress and yields at its next check, as a Lambda run nearing its timeout does.
 */
export const localRunRemainingMs = (deadline: number): number => (stopping ? 0 : deadline - Date.now());

/**
 * Stops every local job run of this process: none starts any more, and those running are told
 * their time is up (localRunRemainingMs); resolves once none runs. What was queued stays
 * queued, as messages stay on a queue while no worker runs, until resumeLocalJobs.
 */
export const stopLocalJobs = async (): Promise<void> => {
  stopping = true;
  await Promise.all([...queues].map((queue) => queue.idle()));
};

/** Lets local job runs start again (a runtime started anew in this process). */
export const resumeLocalJobs = (): void => {
  stopping = false;
  for (const queue of queues) queue.resume();
};

export class LocalJobQueue {
  private readonly waiting: (WaitingRun & { run: () => Promise<void> })[] = [];
  private readonly running = new Map<string, number>();
  private readonly lastStarted = new Map<string, number>();
  private seq = 0;
  private starts = 0;
  private active = 0;
  private readonly whenIdle: (() => void)[] = [];

  public constructor(
    private readonly name: string,
    private readonly workers: () => number,
  ) {
    queues.add(this);
  }

  /** Resolves once no run of this queue is going on. */
  public idle(): Promise<void> {
    return this.active === 0 ? Promise.resolve() : new Promise((resolve) => this.whenIdle.push(resolve));
  }

  public resume(): void {
    this.pump();
  }

  /** Queues a run of `tenant`'s job, after `delayMs` (a message's delay). */
  public enqueue(tenant: string, run: () => Promise<void>, delayMs = 0): void {
    const arrive = () => {
      this.waiting.push({ tenant, seq: this.seq++, run });
      this.pump();
    };
    if (delayMs <= 0) queueMicrotask(arrive);
    else setTimeout(arrive, delayMs).unref();
  }

  private pump(): void {
    while (!stopping && this.active < this.workers()) {
      const index = pickNextRun(this.waiting, { running: this.running, lastStarted: this.lastStarted });
      if (index === undefined) return;
      const [next] = this.waiting.splice(index, 1);
      if (next === undefined) return;
      this.active++;
      this.running.set(next.tenant, (this.running.get(next.tenant) ?? 0) + 1);
      this.lastStarted.set(next.tenant, this.starts++);
      void next
        .run()
        .catch((error: unknown) =>
          logger.error('local job run failed', {
            queue: this.name,
            error: error instanceof Error ? error.message : String(error),
          }),
        )
        .finally(() => {
          this.active--;
          this.running.set(next.tenant, (this.running.get(next.tenant) ?? 1) - 1);
          if (this.active === 0) for (const resolve of this.whenIdle.splice(0)) resolve();
          this.pump();
        });
    }
  }
}

export const localWorkers = (): number => {
  const value = Number(getOptionalStringFromEnv('LOCAL_JOB_WORKERS') ?? DEFAULT_LOCAL_WORKERS);
  return Number.isInteger(value) && value > 0 ? value : DEFAULT_LOCAL_WORKERS;
};
