/**
 * The progress line: on a terminal one line redrawn in place (bar, percent, codes per second,
 * time left); otherwise (a log, a CI job) a plain line each time another tenth is done.
 */
export interface ProgressWriter {
  isTTY?: boolean;
  write(text: string): unknown;
}

const WIDTH = 30;

const duration = (seconds: number): string => {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};

export const createProgress = (out: ProgressWriter, total: number, now: () => number = Date.now) => {
  const started = now();
  let lastTenth = -1;
  return {
    update(done: number, state: string): void {
      const elapsed = (now() - started) / 1000;
      const rate = elapsed > 0 ? done / elapsed : 0;
      const left = rate > 0 ? (total - done) / rate : Number.NaN;
      const fraction = total > 0 ? Math.min(1, done / total) : 1;
      const figures = `${(fraction * 100).toFixed(1)}% ${done.toLocaleString('en')}/${total.toLocaleString('en')} ${Math.round(rate).toLocaleString('en')} codes/s, ${duration(left)} left (${state})`;
      if (out.isTTY === true) {
        const filled = Math.round(fraction * WIDTH);
        out.write(`\r[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${figures}\u001b[K`);
      } else {
        const tenth = Math.floor(fraction * 10);
        if (tenth !== lastTenth) {
          lastTenth = tenth;
          out.write(`${figures}\n`);
        }
      }
    },
    finish(): void {
      if (out.isTTY === true) out.write('\n');
    },
  };
};
