import {
  CLOCK_SKEW_TOLERANCE_MS,
  canSee,
  chooseIndex,
  EPCIS_QUERY_PARAMETERS,
  type EpcisQuery,
  type EventViewer,
  eventsInOrder,
  type IndexedEvent,
  matchesEpcisQuery,
  parseEpcisQuery,
} from '#custody';
import { type Hash, inclusionProof } from '#kernel/merkle-tree';
import { type ExportRecord, entryIdOf } from '../domain/export-formats';
import { type ChunkedLeaves, chunkedRangeHasher, chunkOf } from '../domain/merkle-chunks';
import { leafIndexesOf, loadTree, readChunks } from '../store/merkle-log-repository';

/**
 * The records of an export, read as GET /v1/epcis/events reads (the index chosen for the
 * viewer, never a Scan, the same visibility and filters), in the log's order, each with
 * its leaf index and inclusion path against the export's tree head. Events are handled
 * PROOF_BATCH at a time: one BatchGet of their leaf pointers, one of the leaf chunks their
 * proofs need, the next batch's asked for while this one is written; the chunk roots of the
 * head are read once per run.
 */
const PROOF_BATCH = 100;

const PAGING = ['perPage', 'nextPageToken'] as const satisfies readonly (typeof EPCIS_QUERY_PARAMETERS)[number][];
type ExportQueryParameter = Exclude<(typeof EPCIS_QUERY_PARAMETERS)[number], (typeof PAGING)[number]>;

/**
 * Query parameters an export takes: the EPCIS query's filters, without paging (a job reads
 * its whole range). Derived from the EPCIS query's own list so a new filter reaches both.
 */
export const EXPORT_QUERY_PARAMETERS: readonly ExportQueryParameter[] = EPCIS_QUERY_PARAMETERS.filter(
  (name): name is ExportQueryParameter => !(PAGING as readonly string[]).includes(name),
);

const eventsSince = (): string => new Date(`${process.env.EVENTS_SINCE ?? '2026-01-01'}T00:00:00.000Z`).toISOString();

export interface ExportPlan {
  query: EpcisQuery;
  range: { from: string; to: string };
  /** The viewer sees every event and only time bounds the query: every leaf in range is in it. */
  complete: boolean;
}

/** The time range is fixed when the job is created (`until`), so every run of it reads the same events. */
export const planExport = (raw: Record<string, string>, viewer: EventViewer, until: Date): ExportPlan => {
  const query = parseEpcisQuery(raw);
  const floor =
    query.eventTime.ge === undefined
      ? undefined
      : new Date(Date.parse(query.eventTime.ge) - CLOCK_SKEW_TOLERANCE_MS).toISOString();
  const candidates = [eventsSince(), query.recordTime.ge, floor].filter((v): v is string => v !== undefined);
  const from = candidates.reduce((a, b) => (b > a ? b : a));
  const end = until.toISOString();
  const to = query.recordTime.lt !== undefined && query.recordTime.lt < end ? query.recordTime.lt : end;
  const onlyRecordTime = Object.keys(raw).every((name) => name === 'GE_recordTime' || name === 'LT_recordTime');
  return { query, range: { from, to: to > from ? to : from }, complete: viewer.kind === 'everything' && onlyRecordTime };
};

/** The head's tree, chunk roots read once; leaf chunks read per batch, only those its proofs need. */
const proofTree = async (treeSize: number) => {
  const base = await loadTree(treeSize);
  let batch = new Map<number, Hash[]>();
  const leaves: ChunkedLeaves = {
    chunkSize: base.chunkSize,
    chunkRoot: base.chunkRoot,
    chunkLeaves: (c) => batch.get(c) ?? base.chunkLeaves(c),
  };
  const hashRange = chunkedRangeHasher(leaves);
  // Neighbouring leaves' proofs share their subtrees, so each is hashed once: those within a
  // chunk for one batch, those of whole chunks or more for the run (at most two per chunk,
  // bounded as the chunk roots already read are).
  const whole = new Map<string, Hash>();
  let partial = new Map<string, Hash>();
  const hash = (start: number, end: number): Hash => {
    const memo = end - start >= base.chunkSize ? whole : partial;
    const key = `${start}:${end}`;
    let value = memo.get(key);
    if (value === undefined) {
      value = hashRange(start, end);
      memo.set(key, value);
    }
    return value;
  };
  return {
    /** Reads the leaf chunks these leaves' proofs need (not yet used: see `use`). */
    fetch: (leafIndexes: readonly number[]): Promise<Map<number, Hash[]>> => {
      const wanted = [...new Set(leafIndexes.map((i) => chunkOf(i, base.chunkSize)))].filter(
        (c) => base.chunkLeaves(c) === undefined,
      );
      return readChunks(wanted);
    },
    /** Proofs from now on read these chunks: those fetched for the batch about to be proved. */
    use: (chunks: Map<number, Hash[]>) => {
      partial = new Map();
      batch = chunks;
    },
    prove: (leafIndex: number): string[] => inclusionProof(leafIndex, treeSize, hash).map((h) => h.toString('hex')),
  };
};

export interface ExportedRecord {
  record: ExportRecord;
  /** Where a later run resumes: strictly after this order key. */
  position: string;
}

type ProofTree = Awaited<ReturnType<typeof proofTree>>;

/** A batch's leaf pointers, then the leaf chunks their proofs need (leaves the head covers only). */
const proofLookup = (tree: ProofTree, treeSize: number) => async (events: IndexedEvent[]) => {
  const ids = events.map((e) => entryIdOf({ eventId: e.eventId, source: e.source }));
  const indexes = ids.length === 0 ? new Map<string, number>() : await leafIndexesOf(ids);
  const chunks = await tree.fetch(ids.map((id) => indexes.get(id)).filter((i) => isCovered(i, treeSize)));
  return { events, ids, indexes, chunks };
};

type ProofBatch = Awaited<ReturnType<ReturnType<typeof proofLookup>>>;

const isCovered = (i: number | undefined, treeSize: number): i is number => i !== undefined && i < treeSize;

/** A looked-up batch's records, each with its inclusion proof, or none when the head does not cover it yet. */
function* provedRecords(tree: ProofTree, treeSize: number, batch: ProofBatch): Generator<ExportedRecord> {
  const { events, ids, indexes, chunks } = batch;
  tree.use(chunks);
  for (const [n, event] of events.entries()) {
    const leafIndex = indexes.get(ids[n] ?? '');
    const covered = isCovered(leafIndex, treeSize);
    yield {
      position: event.orderKey,
      record: {
        eventId: event.eventId,
        source: event.source,
        recordTime: event.recordTime,
        epcis: event.epcis,
        ...(event.eventHash === undefined ? {} : { eventHash: event.eventHash }),
        subjectIds: event.subjectIds,
        ...(event.previousEventHashes === undefined ? {} : { previousEventHashes: event.previousEventHashes }),
        leafIndex: covered ? leafIndex : null,
        inclusionPath: covered ? tree.prove(leafIndex) : [],
      },
    };
  }
}

export async function* exportRecords(input: {
  plan: ExportPlan;
  viewer: EventViewer;
  treeSize: number;
  after?: string;
}): AsyncGenerator<ExportedRecord> {
  const { plan, viewer, treeSize } = input;
  const source = await chooseIndex(plan.query, viewer);
  const tree = await proofTree(treeSize);
  // One batch's lookups (leaf pointers, then leaf chunks) run while the batch before it is
  // proved and written and the events after it are read: an export waits on DynamoDB far less.
  const lookup = proofLookup(tree, treeSize);
  let pending: IndexedEvent[] = [];
  let inFlight: Promise<ProofBatch> | undefined;
  // The batch in flight is awaited before anything else: a failed lookup stops the export at once.
  const next = async (events: IndexedEvent[]) => {
    const previous = inFlight;
    inFlight = lookup(events);
    inFlight.catch(() => undefined);
    return previous === undefined ? undefined : await previous;
  };
  for await (const step of eventsInOrder(source, plan.range, input.after, { readAhead: true })) {
    if (!('event' in step)) continue;
    const { event } = step;
    if (!canSee(viewer, event.audience)) continue;
    if (!matchesEpcisQuery(JSON.parse(event.epcis) as Record<string, unknown>, plan.query, event.audience)) continue;
    pending.push(event);
    if (pending.length < PROOF_BATCH) continue;
    const ready = await next(pending);
    pending = [];
    if (ready !== undefined) yield* provedRecords(tree, treeSize, ready);
  }
  const ready = await next(pending);
  if (ready !== undefined) yield* provedRecords(tree, treeSize, ready);
  if (inFlight !== undefined) yield* provedRecords(tree, treeSize, await inFlight);
}
