/**
 * Back-filling the event indexes for events recorded before they existed, and finishing
 * facet rows an interrupted call left pending. Both are idempotent: an item gets the same
 * attributes and the same rows however often it is processed.
 *
 * The back-fill is the one place that Scans: no index can list items written before the
 * indexes. It is a segmented Scan filtered to event items; after every page each segment's
 * position is saved (written to a temporary file and renamed, so a crash never leaves half
 * a checkpoint), and a rerun resumes from it. A crash between processing a page and saving
 * its position only means that page is processed again.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { EventAudience } from '../domain/event-audience';
import { eventsInOrder } from '../store/event-index-query-repository';
import {
  putEventIndexRows,
  scanEventItemsPage,
  setEventIndexAttributes,
  type UnindexedEventItem,
} from '../store/event-index-repository';
import { audienceOfStoredEvent } from './events/event-audience';

interface Checkpoint {
  totalSegments: number;
  segments: { lastKey?: Record<string, unknown>; done: boolean }[];
  processed: number;
}

const readCheckpoint = async (file: string, totalSegments: number): Promise<Checkpoint> => {
  try {
    const saved = JSON.parse(await readFile(file, 'utf8')) as Checkpoint;
    // A rerun keeps the segmentation it started with: positions only mean something in it.
    return saved;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return { totalSegments, segments: Array.from({ length: totalSegments }, () => ({ done: false })), processed: 0 };
  }
};

const saveCheckpoint = async (file: string, checkpoint: Checkpoint): Promise<void> => {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(checkpoint), { mode: 0o600 });
  await rename(temporary, file);
};

/** An old error declaration has no record time of its own: its declaration time is one. */
const recordTimeOf = (item: UnindexedEventItem): string | undefined => {
  if (item.recordTime !== undefined) return item.recordTime;
  const epcis = JSON.parse(item.epcis) as { errorDeclaration?: { declarationTime?: unknown }; recordTime?: unknown };
  const time = epcis.errorDeclaration?.declarationTime ?? epcis.recordTime;
  return typeof time === 'string' ? new Date(time).toISOString() : undefined;
};

export const migrateItem = async (item: UnindexedEventItem): Promise<boolean> => {
  if (item.indexed && !item.rowsPending) return false;
  const recordTime = recordTimeOf(item);
  if (recordTime === undefined) throw new Error(`event item ${item.key.pk}/${item.key.sk} has no record time`);
  const audience: EventAudience = item.audience ?? (await audienceOfStoredEvent(item));
  if (!item.indexed) await setEventIndexAttributes(item, recordTime, audience);
  await putEventIndexRows({ eventId: item.eventId, recordTime, source: item.source, audience });
  return true;
};

export interface MigrationOptions {
  checkpointFile: string;
  segments?: number;
  pageSize?: number;
  /** Called with each page read, before its items are processed (a test kills the run here). */
  beforePage?: (segment: number, eventItems: number) => Promise<void> | void;
}

/** Runs every segment to its end; the checkpoint file is removed when all are done. */
export const migrateEventIndexes = async (options: MigrationOptions): Promise<{ processed: number; migrated: number }> => {
  const checkpoint = await readCheckpoint(options.checkpointFile, options.segments ?? 4);
  let migrated = 0;
  // Segments run side by side but save one at a time, and all stop once one fails.
  let saving = Promise.resolve();
  let failed = false;
  const runSegment = async (segment: number) => {
    const state = checkpoint.segments[segment];
    if (state === undefined) return;
    while (!state.done && !failed) {
      const page = await scanEventItemsPage({
        segment,
        totalSegments: checkpoint.totalSegments,
        limit: options.pageSize ?? 100,
        ...(state.lastKey === undefined ? {} : { startKey: state.lastKey }),
      });
      await options.beforePage?.(segment, page.items.length);
      for (const item of page.items) if (await migrateItem(item)) migrated++;
      checkpoint.processed += page.items.length;
      if (page.lastKey === undefined) {
        state.done = true;
        delete state.lastKey;
      } else {
        state.lastKey = page.lastKey;
      }
      saving = saving.then(() => saveCheckpoint(options.checkpointFile, checkpoint));
      await saving;
    }
  };
  const outcomes = await Promise.allSettled(
    checkpoint.segments.map((_, segment) =>
      runSegment(segment).catch((error: unknown) => {
        failed = true;
        throw error;
      }),
    ),
  );
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
  await rm(options.checkpointFile, { force: true });
  return { processed: checkpoint.processed, migrated };
};

/** Finishes pending facet rows of events recorded in [from, to), read from the time index. */
export const repairEventIndexRows = async (from: Date, to: Date): Promise<number> => {
  let repaired = 0;
  for await (const step of eventsInOrder({ kind: 'time' }, { from: from.toISOString(), to: to.toISOString() })) {
    if (!('event' in step) || !step.event.rowsPending) continue;
    const { eventId, recordTime, source, audience } = step.event;
    await putEventIndexRows({ eventId, recordTime, source, audience });
    repaired++;
  }
  return repaired;
};
