import { describe, expect, it } from 'vitest';
import { createProgress } from '../../scripts/cli/progress';

const writer = (isTTY: boolean) => {
  const chunks: string[] = [];
  return { chunks, out: { isTTY, write: (text: string) => chunks.push(text) } };
};

describe('the CLI progress line', () => {
  it('redraws one line on a terminal, with the bar, rate and time left', () => {
    let now = 0;
    const { chunks, out } = writer(true);
    const progress = createProgress(out, 1000, () => now);
    now = 2000;
    progress.update(400, 'signing');
    expect(chunks[0]).toBe(`\r[############------------------] 40.0% 400/1,000 200 codes/s, 3s left (signing)\u001b[K`);
    progress.finish();
    expect(chunks.at(-1)).toBe('\n');
  });

  it('writes plain lines, one per tenth, when the output is not a terminal', () => {
    let now = 0;
    const { chunks, out } = writer(false);
    const progress = createProgress(out, 1000, () => now);
    for (const done of [0, 50, 99, 100, 150, 1000]) {
      now += 1000;
      progress.update(done, done === 1000 ? 'done' : 'signing');
    }
    expect(chunks).toHaveLength(3);
    expect(chunks.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true);
    expect(chunks[2]).toMatch(/^100\.0% 1,000\/1,000 167 codes\/s, 0s left \(done\)\n$/);
  });
});
