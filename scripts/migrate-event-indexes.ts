/**
 * `TABLE_NAME=... npm run migrate-event-indexes -- [checkpoint-file] [--segments N]`
 * `TABLE_NAME=... npm run migrate-event-indexes -- --repair <from ISO> <to ISO>`
 *
 * Back-fills the event indexes (time index key and audience on each event item, then its
 * facet rows) for events, whole-lot recalls and error declarations recorded before they
 * existed. A one-time segmented Scan of the table filtered to event items; after each page
 * the segments' positions are saved to the checkpoint file (default
 * ./migrate-event-indexes.checkpoint.json) and a rerun resumes from them. Idempotent: run
 * it again at any time and it changes nothing already done. It removes the checkpoint when
 * every segment is done.
 *
 * `--repair` finishes the facet rows of events of a time range whose call died between its
 * commit and its rows, reading the time index (no Scan).
 */
import { migrateEventIndexes, repairEventIndexRows } from '#shared/custody/services/event-index-migration';

const args = process.argv.slice(2);
if (args[0] === '--repair') {
  const [from, to] = [args[1], args[2]].map((value) => new Date(value ?? Number.NaN));
  if (from === undefined || to === undefined || Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
    console.error('usage: --repair <from ISO date-time> <to ISO date-time>');
    process.exit(2);
  }
  console.error(`repaired ${await repairEventIndexRows(from, to)} events' rows`);
} else {
  const segmentsAt = args.indexOf('--segments');
  const segments = segmentsAt === -1 ? 4 : Number(args[segmentsAt + 1]);
  const checkpointFile =
    args.find((arg, i) => !arg.startsWith('--') && (segmentsAt === -1 || i !== segmentsAt + 1)) ??
    'migrate-event-indexes.checkpoint.json';
  if (!Number.isInteger(segments) || segments < 1 || segments > 64) {
    console.error('--segments takes 1 to 64');
    process.exit(2);
  }
  const { processed, migrated } = await migrateEventIndexes({ checkpointFile, segments });
  console.error(`done: ${processed} event items read, ${migrated} indexed`);
}
