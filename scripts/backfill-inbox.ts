import { readFile, rename, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { backfillReportsPage } from '#shared/counterfeit-reports/services/report-service';

/**
 * `npx tsx scripts/backfill-inbox.ts [--checkpoint file]` with TABLE_NAME (and, locally,
 * AWS_ENDPOINT_URL_DYNAMODB) set: files into the regulators' inbox every report created
 * before the inbox existed, or whose filing failed after the report was stored. The
 * position is saved after each page, so a stopped run resumes where it stopped; filing is
 * idempotent, so running it again, whole or in part, changes nothing.
 */
const { values } = parseArgs({ options: { checkpoint: { type: 'string', default: '.backfill-inbox.checkpoint' } } });
const checkpoint = values.checkpoint;

const readCheckpoint = async (): Promise<string | undefined> => {
  try {
    const saved = (await readFile(checkpoint, 'utf8')).trim();
    return saved === '' || saved === 'done' ? undefined : saved;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

/** Written beside and renamed over, so a crash never leaves half a checkpoint. */
const saveCheckpoint = async (value: string): Promise<void> => {
  await writeFile(`${checkpoint}.tmp`, value, 'utf8');
  await rename(`${checkpoint}.tmp`, checkpoint);
};

let cursor = await readCheckpoint();
if (cursor !== undefined) console.error(`Resuming from ${checkpoint}`);
let filed = 0;
let alreadyFiled = 0;
do {
  const page = await backfillReportsPage(cursor);
  filed += page.filed;
  alreadyFiled += page.alreadyFiled;
  cursor = page.cursor;
  await saveCheckpoint(cursor ?? 'done');
  console.error(`filed ${filed}, already filed ${alreadyFiled}`);
} while (cursor !== undefined);
console.log(JSON.stringify({ filed, alreadyFiled }));
