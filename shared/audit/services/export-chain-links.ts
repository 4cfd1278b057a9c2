/**
 * The custody chains checked from an export alone. Each record carries, per subject, the
 * hash of that subject's previous event (its link). Within an export, a subject's events
 * must form one unbroken path: no two of them link to the same event (a fork), and at most
 * one links to an event outside the export (the one before the export's range, or the
 * subject's genesis). An event removed from the middle of a chain leaves the event after it
 * linking outside the export: a second start. Order in the file does not matter, so the
 * check holds whatever order two events of one subject were recorded in; their order is the
 * Merkle log's check.
 *
 * Memory grows with the subjects and events of the export (a 16-hex-digit prefix of each
 * hash, about 100 bytes an event); verify-export is a regulator's command-line tool, and a
 * million events fit in well under 200 MB.
 */
const PREFIX = 16;
const short = (hash: string): string => hash.slice(0, PREFIX);

export interface ChainLinkReport {
  /** Links that point at another event of the export. */
  inside: number;
  /** Subjects whose chains start outside the export (one each, allowed). */
  starts: number;
  /** Subjects with more than one link pointing outside the export, and how many. */
  broken: { subjectId: string; outside: number }[];
  /** Subjects with two events linking to the same previous event. */
  forks: string[];
  /** Records that carry no links (recorded before links were kept with the event). */
  unlinked: number;
}

export const createChainLinkCheck = () => {
  const chains = new Map<string, { hashes: Set<string>; links: string[] }>();
  let unlinked = 0;
  return {
    add(eventHash: string, subjectIds: readonly string[], previousEventHashes: readonly string[] | null | undefined): void {
      if (previousEventHashes === null || previousEventHashes === undefined) unlinked += subjectIds.length > 0 ? 1 : 0;
      subjectIds.forEach((subjectId, i) => {
        let chain = chains.get(subjectId);
        if (chain === undefined) {
          chain = { hashes: new Set(), links: [] };
          chains.set(subjectId, chain);
        }
        chain.hashes.add(short(eventHash));
        const link = previousEventHashes?.[i];
        if (typeof link === 'string') chain.links.push(short(link));
      });
    },
    report(): ChainLinkReport {
      const report: ChainLinkReport = { inside: 0, starts: 0, broken: [], forks: [], unlinked };
      for (const [subjectId, { hashes, links }] of chains) {
        const seen = new Set<string>();
        let outside = 0;
        for (const link of links) {
          if (seen.has(link)) report.forks.push(subjectId);
          seen.add(link);
          if (hashes.has(link)) report.inside++;
          else outside++;
        }
        if (outside === 1) report.starts++;
        else if (outside > 1) report.broken.push({ subjectId, outside });
      }
      return report;
    },
  };
};
