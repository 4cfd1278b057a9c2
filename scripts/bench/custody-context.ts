/**
 * What every step of the custody benchmark works with: the services the API handlers call,
 * two organizations and a product, and helpers that issue codes and record events.
 */

import type { Principal } from '#kernel/auth/principal';
import { buildContainerLink, buildDigitalLink } from '#kernel/codes/digital-link';
import type { EventInput, EventResult, ingestEvents } from '#shared/custody/services/events/ingest-events';
import type { verifyScannedCode } from '#shared/verification/services/verify-service';
import { installCounter } from './custody-count';
import { GTIN } from './custody-model';

export interface CustodyContext {
  log: (message: string) => void;
  factory: Principal;
  distributor: Principal;
  register: (role: 'factory' | 'distributor', name: string) => Promise<Principal>;
  /** Unit URIs of a fresh lot; a lot holds at most 10,000 codes, as the API allows. */
  issueUnits: (count: number) => Promise<{ lot: string; uris: string[] }>;
  /** Unit URIs over as many lots as it takes. */
  issueMany: (count: number) => Promise<string[]>;
  issueContainerUris: (kind: 'case' | 'pallet', count: number) => Promise<string[]>;
  /** An event at a time after every other of the run. */
  event: (
    bizStep: EventInput['bizStep'],
    fields: Omit<EventInput, 'bizStep' | 'eventTime' | 'eventTimeZoneOffset'>,
  ) => EventInput;
  /** ingestEvents that throws unless every event was recorded. */
  ingest: (who: Principal, inputs: EventInput[]) => Promise<EventResult[]>;
  ingestEvents: typeof ingestEvents;
  verifyScannedCode: typeof verifyScannedCode;
  /** A pool of issued units that the scenarios take from in turn. */
  take: { refill: (uris: string[]) => void; units: (n: number) => string[] };
}

export const pick = <T>(items: readonly T[], index: number): T => {
  const item = items[index];
  if (item === undefined) throw new Error(`no item ${index} of ${items.length}`);
  return item;
};

export const chunk = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

/**
 * Call only once DynamoDB Local runs: the services are imported here, not at the top, since
 * the store reads its endpoint and table name from the environment the runtime sets.
 */
export const createCustodyContext = async (base: string, log: (message: string) => void): Promise<CustodyContext> => {
  const { documentClient } = await import('#kernel/db/dynamodb-client');
  const { forgetSigningKey } = await import('#kernel/keys/signing-key-provider');
  const { forgetPublicKeys } = await import('#kernel/keys/public-key-cache');
  const { registerOrganization, registerProduct } = await import('#shared/registry/services/registry-service');
  const { issueBatch } = await import('#shared/issuance/services/batch-service');
  const { issueContainers } = await import('#shared/custody/services/container-service');
  const { ingestEvents } = await import('#shared/custody/services/events/ingest-events');
  const { verifyScannedCode } = await import('#shared/verification/services/verify-service');
  // A runtime started earlier in this process may have left its key in these caches.
  forgetSigningKey();
  forgetPublicKeys();
  installCounter(documentClient);

  const register = async (role: 'factory' | 'distributor', name: string): Promise<Principal> => {
    const org = await registerOrganization({
      name,
      role,
      region: role === 'factory' ? 'CN-ZJ Hangzhou' : 'CN-SH Shanghai',
      licenseNumber: `BENCH-${name.replace(/\W+/g, '-').toUpperCase()}`,
    });
    return { orgId: org.id, role, clientId: 'bench' };
  };
  const factory = await register('factory', 'Bench Custody Factory');
  const distributor = await register('distributor', 'Bench Custody Distributor');
  await registerProduct(factory, {
    gtin: GTIN,
    name: 'Bench respirator',
    category: 'respirator',
    standard: 'GB 2626-2019',
    laCertificate: { number: 'LA-BENCH-2', validUntil: '2030-12-31' },
    serviceLifeMonths: 36,
  });

  let lots = 0;
  const issueUnits = async (count: number): Promise<{ lot: string; uris: string[] }> => {
    const lot = `BC-${++lots}-${Date.now() % 1e6}`;
    const { codes } = await issueBatch(factory, { gtin: GTIN, lot, productionDate: '2026-11-01', count });
    return { lot, uris: codes.map((c) => buildDigitalLink(base, { gtin: GTIN, lot, serial: c.serial, digsig: c.digsig })) };
  };
  const issueMany = async (count: number): Promise<string[]> => {
    const uris: string[] = [];
    while (uris.length < count) uris.push(...(await issueUnits(Math.min(10_000, count - uris.length))).uris);
    return uris;
  };
  const issueContainerUris = async (kind: 'case' | 'pallet', count: number): Promise<string[]> =>
    (await issueContainers(factory, { kind, count })).map((c) => buildContainerLink(base, c));

  /** Event times: now, strictly increasing, so no two events of a run share a time. */
  let lastStamp = 0;
  const stamp = (): string => {
    lastStamp = Math.max(Date.now(), lastStamp + 1);
    return new Date(lastStamp).toISOString();
  };
  const event: CustodyContext['event'] = (bizStep, fields) => ({
    bizStep,
    eventTime: stamp(),
    eventTimeZoneOffset: '+08:00',
    ...fields,
  });
  const ingest = async (who: Principal, inputs: EventInput[]): Promise<EventResult[]> => {
    const results = await ingestEvents(who, inputs);
    const bad = results.find((r) => r.status !== 'recorded');
    if (bad !== undefined) {
      throw new Error(`event ${bad.index} (${inputs[bad.index]?.bizStep}) was ${bad.status}: ${JSON.stringify(bad.error)}`);
    }
    return results;
  };
  let pool: string[] = [];
  const take = {
    refill: (uris: string[]) => {
      pool = [...pool, ...uris];
    },
    units: (n: number): string[] => {
      if (pool.length < n) throw new Error(`bench issued too few units (${pool.length} left, ${n} wanted)`);
      return pool.splice(0, n);
    },
  };

  return {
    log,
    factory,
    distributor,
    register,
    issueUnits,
    issueMany,
    issueContainerUris,
    event,
    ingest,
    ingestEvents,
    verifyScannedCode,
    take,
  };
};
