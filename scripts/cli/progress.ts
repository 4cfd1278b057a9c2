/**
 * The progress display, one stage at a time (signing, writing each label file, downloading
 * each, verifying), each with its own bar, count, rate and time left, so a finished stage
 * never stands for the whole run. On a terminal the current stage is one line redrawn in
 * place and kept when the next starts; otherwise (a log, a CI job) a plain line each time
 * another tenth of the stage is done.
 */
export interface ProgressWriter {
  isTTY?: boolean;
  write(text: string): unknown;
}

const WIDTH = 30;
/** A terminal is redrawn at most this often (a download reports every chunk). */
const REDRAW_MS = 100;

const duration = (seconds: number): string => {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};

const amount = (value: number, unit: string): string =>
  unit === 'bytes' ? `${(value / 1e6).toFixed(1)} MB` : `${Math.round(value).toLocaleString('en')} ${unit}`;

const ratio = (done: number, total: number, unit: string): string =>
  unit === 'bytes'
    ? `${(done / 1e6).toFixed(1)}/${(total / 1e6).toFixed(1)} MB`
    : `${done.toLocaleString('en')}/${total.toLocaleString('en')} ${unit}`;

interface Stage {
  label: string;
  total: number;
  unit: string;
  started: number;
  lastTenth: number;
  lastDraw: number;
  done: number;
  /** Where the stage (re)started: a resumed download's rate counts only the bytes it fetched. */
  from: number;
}

export const createProgress = (out: ProgressWriter, now: () => number = Date.now) => {
  let current: Stage | undefined;
  const line = (stage: Stage): string => {
    const elapsed = (now() - stage.started) / 1000;
    const fraction = stage.total > 0 ? Math.min(1, stage.done / stage.total) : 1;
    const complete = fraction >= 1;
    const rate = elapsed > 0 ? (stage.done - stage.from) / elapsed : 0;
    const pace = rate > 0 ? `, ${amount(rate, stage.unit)}/s` : '';
    const tail = complete
      ? `done in ${duration(elapsed)}`
      : `${duration(rate > 0 ? (stage.total - stage.done) / rate : Number.NaN)} left`;
    return `${stage.label}: ${(fraction * 100).toFixed(1)}% ${ratio(stage.done, stage.total, stage.unit)}${pace}, ${tail}`;
  };
  const draw = (stage: Stage, force: boolean): void => {
    const fraction = stage.total > 0 ? Math.min(1, stage.done / stage.total) : 1;
    if (out.isTTY === true) {
      if (!force && fraction < 1 && now() - stage.lastDraw < REDRAW_MS) return;
      stage.lastDraw = now();
      const filled = Math.round(fraction * WIDTH);
      out.write(`\r[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${line(stage)}\u001b[K`);
      return;
    }
    const tenth = Math.floor(fraction * 10);
    if (tenth !== stage.lastTenth) {
      stage.lastTenth = tenth;
      out.write(`${line(stage)}\n`);
    }
  };
  const end = (): void => {
    if (current !== undefined && out.isTTY === true) out.write('\n');
    current = undefined;
  };
  return {
    /** Ends the stage shown so far and starts `label`, of `total` `unit` (codes, labels, bytes), `from` done already. */
    stage(label: string, total: number, unit: string, from = 0): void {
      end();
      current = { label, total, unit, started: now(), lastTenth: -1, lastDraw: 0, done: from, from };
      draw(current, true);
    },
    /** How much of the current stage is done. */
    update(done: number): void {
      if (current === undefined || done === current.done) return;
      current.done = done;
      draw(current, false);
    },
    finish: end,
  };
};
