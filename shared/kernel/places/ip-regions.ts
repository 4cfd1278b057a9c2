import { join, resolve } from 'node:path';
import ip2region from 'ip2region';
import type { IpRegion } from './viewer-place';

/**
 * The offline IP database (ip2region: IPv4 and IPv6, made for mainland China), read into
 * this process's memory. An address is looked up here and forgotten: nothing keeps it.
 *
 * Bundled functions ship the two data files beside their code (TraceSealFunction's
 * `ipDatabase`), named by IP2REGION_DATA_DIR relative to the task root; unbundled code
 * (tests, the local runtime) reads them from the package itself.
 */
export type LocateAddress = (address: string) => IpRegion | undefined;

type Searcher = { search(address: string): IpRegion | null };
type SearcherClass = new (options?: { ipv4db?: string; ipv6db?: string }) => Searcher;

// A CommonJS module with __esModule: a bundle's default import is the class, Node's ESM
// loader gives the whole exports object.
const IP2Region: SearcherClass =
  (ip2region as unknown as { default?: SearcherClass }).default ?? (ip2region as unknown as SearcherClass);

let searcher: Searcher | undefined;

/** Reads the database now (a cold start, not the first batch, fails if it is missing). */
export const loadIpRegions = (): LocateAddress => {
  if (searcher === undefined) {
    const dir = process.env.IP2REGION_DATA_DIR;
    const base = dir === undefined ? undefined : resolve(process.env.LAMBDA_TASK_ROOT ?? '.', dir);
    searcher = new IP2Region(base === undefined ? {} : { ipv4db: join(base, 'ip2region.db'), ipv6db: join(base, 'ipv6wry.db') });
  }
  const loaded = searcher;
  return (address) => {
    try {
      const found = loaded.search(address);
      return found === null ? undefined : { country: found.country, province: found.province, city: found.city };
    } catch {
      // A malformed address is no place, never a failed batch.
      return undefined;
    }
  };
};
