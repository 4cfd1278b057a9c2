/**
 * The measuring machinery of `npm run bench`: interleaved rounds, medians and the table
 * printer that every part shares.
 *
 * The machine is small and noisy, so every figure is the median over several rounds in
 * which the contenders run interleaved (the order rotates every round), and every ratio
 * is taken within one round before its median is taken. CPU time comes from
 * process.cpuUsage() (user + system, all threads of this process), wall time from
 * performance.now().
 */

/** Rounds per comparison; odd so the median is one measured round. */
export const ROUNDS = 11;
/** Target CPU time of one contender in one round. */
const ARM_MS = 200;

export interface Sample {
  ops: number;
  wallMs: number;
  cpuMs: number;
}

/**
 * Keeps results observable so nothing measured can be optimised away. An object, not a
 * `let`, because every part adds to it and an imported binding cannot be assigned.
 */
export const sink = { value: 0 };

export const measure = (ops: number, run: () => void): Sample => {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  run();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ops, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
};

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
};

export const spread = (values: number[]): [number, number] => [Math.min(...values), Math.max(...values)];

export interface Arm {
  /** Operations per call of run(). */
  ops: number;
  run: () => void;
}

/**
 * Runs every arm once per round, after one uncounted warm-up round, rotating which goes
 * first and reversing the direction every other full rotation, so drift in machine load and
 * the garbage one arm leaves for the next hit all arms alike. (Reversing every other round
 * instead undid the rotation for two arms: signCodes then ran first, and raw signing right
 * after it, in every round.)
 */
export const interleave = <K extends string>(arms: Record<K, Arm>, rounds: number): Record<K, Sample[]> => {
  const names = Object.keys(arms) as K[];
  const samples = Object.fromEntries(names.map((name) => [name, [] as Sample[]])) as Record<K, Sample[]>;
  // One full round first that does not count: JIT tiers and heap sizes settle in it.
  for (const name of names) arms[name].run();
  for (let round = 0; round < rounds; round++) {
    const rotated = names.map((_, i) => names[(i + round) % names.length] as K);
    const order = Math.floor(round / names.length) % 2 === 0 ? rotated : rotated.reverse();
    for (const name of order) {
      const arm = arms[name];
      samples[name].push(measure(arm.ops, arm.run));
    }
  }
  return samples;
};

/**
 * Operations per round so that one arm takes about ARM_MS of CPU, from the faster of two
 * short trials (CPU time, so a busy neighbour during the trial does not shrink the rounds).
 */
export const calibrate = (trialOps: number, run: (ops: number) => void, multipleOf = 1): number => {
  const trials = [measure(trialOps, () => run(trialOps)), measure(trialOps, () => run(trialOps))];
  const perOp = Math.max(Math.min(...trials.map((t) => t.cpuMs)), 0.001) / trialOps;
  return Math.max(multipleOf, Math.round(ARM_MS / perOp / multipleOf) * multipleOf);
};

export const perCpuSecond = (s: Sample): number => s.ops / (s.cpuMs / 1000);
export const perWallSecond = (s: Sample): number => s.ops / (s.wallMs / 1000);
export const cpuMsPerOp = (s: Sample): number => s.cpuMs / s.ops;
export const wallMsPerOp = (s: Sample): number => s.wallMs / s.ops;
export const cpuUsPerOp = (s: Sample): number => (s.cpuMs * 1000) / s.ops;

export const pairwise = (a: Sample[], b: Sample[], f: (x: Sample, y: Sample) => number): number[] =>
  a.map((x, i) => {
    const y = b[i];
    return y === undefined ? Number.NaN : f(x, y);
  });

export const fmt = (value: number, digits: number): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A Markdown table, columns padded to their widest cell. */
export const table = (rows: string[][]): string => {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length))) ?? [];
  const line = (row: string[]) => `| ${row.map((cell, col) => cell.padEnd(widths[col] ?? 0)).join(' | ')} |`;
  const [head, ...body] = rows;
  return [line(head ?? []), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
};
