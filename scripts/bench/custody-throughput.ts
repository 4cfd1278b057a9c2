/**
 * Custody step 3: events recorded per second, calling ingestEvents in-process (no HTTP), one call
 * at a time: single-unit shipping events in calls of 100 and 48-unit shipping events in
 * calls of 5, median over interleaved rounds that stop at a number of events or a time,
 * whichever comes first. DynamoDB Local's CPU (java) is not in the Node CPU figures.
 */
import { type CustodyContext, chunk } from './custody-context';
import { counted } from './custody-count';
import { MAX_CODES, MULTI, type RateResult, type Shape, SINGLE } from './custody-model';
import { median } from './measure';

export const THROUGHPUT_ROUNDS = 3;

interface Round {
  events: number;
  rate: number;
  cpuMsPerEvent: number;
  requestsPerEvent: number;
}

const rate = (rounds: Round[], shape: Shape): RateResult => {
  const rates = rounds.map((r) => r.rate);
  return {
    eventsPerSecond: median(rates),
    eventsPerSecondRange: [Math.min(...rates), Math.max(...rates)],
    unitsPerSecond: median(rates) * shape.unitsPerEvent,
    nodeCpuMsPerEvent: median(rounds.map((r) => r.cpuMsPerEvent)),
    eventsPerRound: median(rounds.map((r) => r.events)),
    unitsPerEvent: shape.unitsPerEvent,
    eventsPerCall: shape.perCall,
    requestsPerEvent: median(rounds.map((r) => r.requestsPerEvent)),
  };
};

export const measureThroughput = async (ctx: CustodyContext): Promise<{ single: RateResult; multi: RateResult }> => {
  const { factory, distributor, event, ingest } = ctx;
  const pools = new Map<Shape, string[]>([
    [SINGLE, await ctx.issueMany((THROUGHPUT_ROUNDS + 1) * SINGLE.maxEvents)],
    [MULTI, await ctx.issueMany((THROUGHPUT_ROUNDS + 1) * MULTI.maxEvents * MAX_CODES)],
  ]);
  ctx.log('issued throughput codes');
  const runRound = async (shape: Shape, maxEvents = shape.maxEvents): Promise<Round> => {
    const pool = pools.get(shape) ?? [];
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let events = 0;
    let requests = 0;
    while (events < maxEvents && performance.now() - t0 < shape.roundMs) {
      const size = Math.min(shape.perCall, maxEvents - events);
      const units = pool.splice(0, size * shape.unitsPerEvent);
      if (units.length < size * shape.unitsPerEvent) throw new Error('bench issued too few units for throughput');
      const { count } = await counted(() =>
        ingest(
          factory,
          chunk(units, shape.unitsPerEvent).map((epcs) => event('shipping', { epcs, destination: distributor.orgId })),
        ),
      );
      requests += count.requests;
      events += size;
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return {
      events,
      rate: events / seconds,
      cpuMsPerEvent: (cpu.user + cpu.system) / 1000 / events,
      requestsPerEvent: requests / events,
    };
  };
  // One call of each first (not counted), then rounds alternating which goes first.
  await runRound(SINGLE, SINGLE.perCall);
  await runRound(MULTI, MULTI.perCall);
  const singleRounds: Round[] = [];
  const multiRounds: Round[] = [];
  for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
    for (const shape of round % 2 === 0 ? [SINGLE, MULTI] : [MULTI, SINGLE]) {
      const result = await runRound(shape);
      (shape === SINGLE ? singleRounds : multiRounds).push(result);
      ctx.log(
        `throughput round ${round + 1}, ${shape.unitsPerEvent}-unit events: ${result.events} events, ${result.rate.toFixed(1)}/s`,
      );
    }
  }
  return { single: rate(singleRounds, SINGLE), multi: rate(multiRounds, MULTI) };
};
