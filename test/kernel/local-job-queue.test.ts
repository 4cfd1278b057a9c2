import { describe, expect, it, vi } from 'vitest';
import { LocalJobQueue, pickNextRun, type WaitingRun } from '#kernel/jobs/local-job-queue';

const load = (running: Record<string, number> = {}, lastStarted: Record<string, number> = {}) => ({
  running: new Map(Object.entries(running)),
  lastStarted: new Map(Object.entries(lastStarted)),
});

/** Starts every waiting run in the order pickNextRun gives, one at a time, each finishing before the next. */
const serveOneByOne = (waiting: WaitingRun[]): string[] => {
  const queue = [...waiting];
  const lastStarted = new Map<string, number>();
  const order: string[] = [];
  for (let tick = 0; queue.length > 0; tick++) {
    const index = pickNextRun(queue, { running: new Map(), lastStarted });
    const [next] = queue.splice(index ?? 0, 1);
    if (next === undefined) break;
    lastStarted.set(next.tenant, tick);
    order.push(next.tenant);
  }
  return order;
};

describe('the local job queue serves organizations in turn', () => {
  it('interleaves a backlog of one organization with the jobs of others that came later', () => {
    const waiting: WaitingRun[] = [
      ...Array.from({ length: 6 }, (_, i) => ({ tenant: 'A', seq: i })),
      { tenant: 'B', seq: 6 },
      { tenant: 'C', seq: 7 },
      { tenant: 'B', seq: 8 },
    ];
    expect(serveOneByOne(waiting)).toEqual(['A', 'B', 'C', 'A', 'B', 'A', 'A', 'A', 'A']);
  });

  it('starts the organization with the fewest runs going on first, and the oldest arrival among equals', () => {
    const waiting: WaitingRun[] = [
      { tenant: 'A', seq: 0 },
      { tenant: 'B', seq: 1 },
      { tenant: 'B', seq: 2 },
    ];
    expect(pickNextRun(waiting, load({ A: 2, B: 0 }))).toBe(1);
    expect(pickNextRun(waiting, load({ A: 0, B: 0 }))).toBe(0);
    expect(pickNextRun(waiting, load({ A: 1, B: 1 }, { A: 5, B: 3 }))).toBe(1);
    expect(pickNextRun([], load())).toBeUndefined();
  });

  it('gives a free worker to a later organization while another holds the rest', async () => {
    const queue = new LocalJobQueue('test', () => 2);
    const started: string[] = [];
    const finish = new Map<string, () => void>();
    const job = (name: string) => () =>
      new Promise<void>((resolve) => {
        started.push(name);
        finish.set(name, resolve);
      });
    for (let i = 1; i <= 4; i++) queue.enqueue('A', job(`A${i}`));
    queue.enqueue('B', job('B1'));
    await vi.waitFor(() => expect(started).toEqual(['A1', 'A2']));
    // A worker frees: B, served least, goes before A's backlog.
    finish.get('A1')?.();
    await vi.waitFor(() => expect(started).toEqual(['A1', 'A2', 'B1']));
    finish.get('A2')?.();
    await vi.waitFor(() => expect(started).toEqual(['A1', 'A2', 'B1', 'A3']));
  });
});
