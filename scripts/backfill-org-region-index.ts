/**
 * `TABLE_NAME=... npx tsx scripts/backfill-org-region-index.ts [state-file]`
 *
 * Adds the organization-by-province listing (spot-check populations) and the partner
 * directory's items to organizations registered before they existed. Resumable: after each page the position is written to the
 * state file (default ./backfill-org-region-index.state.json); a rerun continues from it,
 * and re-indexing is idempotent, so a crash at any point loses nothing.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { backfillOrgRegionIndexPage } from '#shared/registry/store/org-region-repository';

const stateFile = process.argv[2] ?? 'backfill-org-region-index.state.json';

const readState = async (): Promise<Record<string, unknown> | undefined> => {
  try {
    return (JSON.parse(await readFile(stateFile, 'utf8')) as { next?: Record<string, unknown> }).next;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

let next = await readState();
if (next !== undefined) console.error(`resuming from ${JSON.stringify(next)}`);
let total = 0;
do {
  const page = await backfillOrgRegionIndexPage(next);
  total += page.updated;
  next = page.next;
  if (next !== undefined) await writeFile(stateFile, JSON.stringify({ next }));
} while (next !== undefined);
await rm(stateFile, { force: true });
console.error(`done: ${total} organizations indexed`);
