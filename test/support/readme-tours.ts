import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';

/** A command block of a README tour: ```sh tour=<name> ... ``` */
export interface TourBlock {
  tour: string;
  /** Its place among its tour's blocks, from 0. */
  index: number;
  /** 1-based line of the opening fence, for messages. */
  line: number;
  script: string;
}

const FENCE = /^```sh tour=([a-z-]+)\s*$/;

/** Every tour block of a Markdown document, in document order. */
export const tourBlocks = (markdown: string): TourBlock[] => {
  const blocks: TourBlock[] = [];
  const counts = new Map<string, number>();
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const tour = FENCE.exec(lines[i] ?? '')?.[1];
    if (tour === undefined) continue;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && lines[j] !== '```'; j++) body.push(lines[j] ?? '');
    if (j === lines.length) throw new Error(`README line ${i + 1}: tour block without its closing fence`);
    const index = counts.get(tour) ?? 0;
    counts.set(tour, index + 1);
    blocks.push({ tour, index, line: i + 1, script: body.join('\n') });
    i = j;
  }
  return blocks;
};

export interface BlockRun {
  stdout: string;
  stderr: string;
  /** The exit status of the block's last command. */
  status: number;
}

/**
 * One bash for a whole reading of the tours, as a person runs them in one terminal: what a
 * block sets (tokens, ids, files) is there for the next. Each block is sent on stdin followed
 * by a line that prints a random end mark and the block's status, so its output is what came
 * before the mark.
 */
export class TourShell {
  private readonly bash: ChildProcessWithoutNullStreams;
  private stdout = '';
  private stderr = '';
  private exited: string | undefined;
  private waiting: (() => void) | undefined;

  public constructor(options: { cwd: string; env: NodeJS.ProcessEnv }) {
    this.bash = spawn('bash', ['--noprofile', '--norc'], { cwd: options.cwd, env: options.env, stdio: 'pipe' });
    this.bash.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      this.waiting?.();
    });
    this.bash.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.bash.on('exit', (code, signal) => {
      this.exited = `bash exited (${code ?? signal})`;
      this.waiting?.();
    });
  }

  public async run(script: string): Promise<BlockRun> {
    const mark = `__tour_block_end_${randomUUID()}`;
    const endLine = new RegExp(`${mark} (\\d+)\\n`);
    this.stdout = '';
    this.stderr = '';
    // The block as a group, so its status is its last command's, then the mark on a line of its own.
    this.bash.stdin.write(`{\n${script}\n}\necho; echo "${mark} $?"\n`);
    for (;;) {
      const end = endLine.exec(this.stdout);
      if (end !== null) {
        return { stdout: this.stdout.slice(0, end.index).replace(/\n$/, ''), stderr: this.stderr, status: Number(end[1]) };
      }
      if (this.exited !== undefined) throw new Error(`${this.exited}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
      this.waiting = undefined;
    }
  }

  public close(): void {
    this.bash.stdin.end();
  }
}

/** The JSON values a block printed (one per line, as `jq -c` prints them); other lines are skipped. */
export const jsonLines = (stdout: string): unknown[] =>
  stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^[[{"\d-]|^(true|false|null)$/.test(line))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as unknown];
      } catch {
        return [];
      }
    });
