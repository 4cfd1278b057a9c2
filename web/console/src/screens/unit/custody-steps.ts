/**
 * A unit's custody timeline from hash chains: its own events, and while it sat in a case or on
 * a pallet the events of that container (a packed unit moves with its container, so its
 * shipping and receiving are recorded on the container's chain). Each step says which
 * containers held the unit then: the packing hierarchy at that moment. Pure: the screen loads
 * the chains, this orders them.
 */
export interface ChainEntry {
  readonly event: Record<string, unknown>;
}

export interface CustodyStep {
  readonly eventId: string;
  readonly time: string;
  readonly bizStep: string;
  /** Whose event it is: the subject's own EPC, or a container's that held it. */
  readonly about: string;
  /** Who reported it (an organization id), and where it went, if it was shipped. */
  readonly by?: string;
  readonly to?: string;
  /** The containers around the subject at this step, innermost first (EPCs). */
  readonly containers: readonly string[];
  /** A packing or unpacking step: the container and how many codes went in or out. */
  readonly parent?: string;
  readonly children?: number;
}

const ORG_PREFIX = 'urn:traceseal:org:';
const orgOf = (uri: unknown): string | undefined =>
  typeof uri === 'string' && uri.startsWith(ORG_PREFIX) ? uri.slice(ORG_PREFIX.length) : undefined;
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const list = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
/** `shipping`, also from a full vocabulary IRI (`…bizStep-decommissioning_reversal`). */
const stepName = (bizStep: string): string => bizStep.replace(/^.*[/#-](?=[a-z_]+$)/, '');

/** The containers a chain names as its subject's parent: where to look for more events. */
export const parentsIn = (subject: string, chain: readonly ChainEntry[]): string[] => [
  ...new Set(
    chain
      .filter(({ event }) => event.type === 'AggregationEvent' && list(event.childEPCs).includes(subject))
      .map(({ event }) => text(event.parentID))
      .filter((parent) => parent !== '' && parent !== subject),
  ),
];

const byTime = (a: ChainEntry, b: ChainEntry) => Date.parse(text(a.event.eventTime)) - Date.parse(text(b.event.eventTime));

const stepOf = (about: string, entry: ChainEntry, containers: readonly string[]): CustodyStep => {
  const { event } = entry;
  const destination = (event.destinationList as { destination?: unknown }[] | undefined)?.[0]?.destination;
  const by = orgOf((event.readPoint as { id?: unknown } | undefined)?.id);
  const to = orgOf(destination);
  const parent = text(event.parentID);
  return {
    eventId: text(event.eventID) || `${about}@${text(event.eventTime)}`,
    time: text(event.eventTime),
    bizStep: stepName(text(event.bizStep)),
    about,
    ...(by === undefined ? {} : { by }),
    ...(to === undefined ? {} : { to }),
    containers,
    ...(event.type === 'AggregationEvent'
      ? { ...(parent === '' ? {} : { parent }), children: list(event.childEPCs).length }
      : {}),
  };
};

const MAX_DEPTH = 3;

const walk = (
  epc: string,
  chains: ReadonlyMap<string, readonly ChainEntry[]>,
  window: { from: number; to: number },
  around: readonly string[],
  depth: number,
): CustodyStep[] => {
  const steps: CustodyStep[] = [];
  let holder: { epc: string; since: number } | undefined;
  const enter = (until: number) => {
    if (holder === undefined || depth >= MAX_DEPTH) return;
    const inner = { from: Math.max(holder.since, window.from), to: Math.min(until, window.to) };
    if (inner.from < inner.to) steps.push(...walk(holder.epc, chains, inner, [...around, holder.epc], depth + 1));
  };
  for (const entry of [...(chains.get(epc) ?? [])].sort(byTime)) {
    const at = Date.parse(text(entry.event.eventTime));
    const { event } = entry;
    const packs = event.type === 'AggregationEvent' && list(event.childEPCs).includes(epc) && text(event.parentID) !== epc;
    if (packs && event.action === 'DELETE') {
      enter(at);
      holder = undefined;
    }
    const inWindow = at >= window.from && at <= window.to;
    if (inWindow) steps.push(stepOf(epc, entry, holder === undefined ? around : [...around, holder.epc]));
    if (packs && event.action === 'ADD') holder = { epc: text(event.parentID), since: at };
  }
  enter(Number.POSITIVE_INFINITY);
  return steps;
};

/** The subject's steps and its containers' while they held it, oldest first, each event once. */
export const custodySteps = (subject: string, chains: ReadonlyMap<string, readonly ChainEntry[]>): CustodyStep[] => {
  const steps = walk(subject, chains, { from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY }, [], 0);
  const once = new Map(steps.map((step) => [step.eventId, step] as const));
  return [...once.values()].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
};
