/**
 * The audience of an event (shared/custody/domain/event-audience.ts) with its lookups: the regions
 * of the organizations involved and the owners of the GTINs, read through the same
 * per-container caches the custody calls already use.
 */

import { getProductCached } from '#issuance';
import { logger } from '#kernel/logger';
import { getOrganizationCached } from '#registry';
import { type AudienceInput, audienceOf, type EventAudience } from '../../domain/event-audience';
import { putEventIndexRows } from '../../store/event-index-repository';
import { getStates } from '../../store/subject-state-repository';

type Products = AudienceInput['products'];

export const resolveAudience = async (input: {
  reporterOrgId: string;
  destinationOrgId?: string;
  bizStep: string;
  products: Products;
  gtinOwners?: ReadonlyMap<string, string>;
}): Promise<EventAudience> => {
  const orgIds = [input.reporterOrgId, ...(input.destinationOrgId === undefined ? [] : [input.destinationOrgId])];
  const regions = new Map(await Promise.all(orgIds.map(async (id) => [id, (await getOrganizationCached(id))?.region] as const)));
  const gtins = [...new Set(input.products.map((p) => p.gtin))];
  const owners = new Map(
    await Promise.all(
      gtins.map(
        async (gtin) => [gtin, input.gtinOwners?.get(gtin) ?? (await getProductCached(gtin))?.product.ownerOrgId] as const,
      ),
    ),
  );
  return audienceOf({
    reporterOrgId: input.reporterOrgId,
    ...(input.destinationOrgId === undefined ? {} : { destinationOrgId: input.destinationOrgId }),
    bizStep: input.bizStep,
    products: input.products,
    regionOf: (id) => regions.get(id),
    ownerOf: (gtin) => owners.get(gtin),
  });
};

const ORG_PREFIX = 'urn:traceseal:org:';
const orgIdOf = (uri: unknown): string | undefined =>
  typeof uri === 'string' && uri.startsWith(ORG_PREFIX) ? uri.slice(ORG_PREFIX.length) : undefined;
const UNIT_EPC = /^https:\/\/id\.gs1\.org\/01\/(\d{14})\/21\/([^/?#]+)$/;
const LOT_CLASS = /^https:\/\/id\.gs1\.org\/01\/(\d{14})\/10\/([^/?#]+)$/;

/**
 * The audience of an event recorded before the indexes existed, from what was stored: the
 * EPCIS event (reporter, destination, EPCs, lot classes) and, for units, their lot from
 * their state.
 */
export const audienceOfStoredEvent = async (stored: { epcis: string; actorOrgId: string }): Promise<EventAudience> => {
  const epcis = JSON.parse(stored.epcis) as Record<string, unknown>;
  const epcs = [...((epcis.epcList as unknown[]) ?? []), ...((epcis.childEPCs as unknown[]) ?? [])].map(String);
  const units = epcs.flatMap((epc) => {
    const match = UNIT_EPC.exec(epc);
    return match?.[1] === undefined || match[2] === undefined ? [] : [{ gtin: match[1], serial: match[2] }];
  });
  const states = await getStates(units.map((u) => `01/${u.gtin}/21/${u.serial}`));
  const products: Products = units.map((u) => {
    const ref = states.get(`01/${u.gtin}/21/${u.serial}`)?.state.ref;
    return ref?.kind === 'unit' ? { gtin: u.gtin, lot: ref.lot } : { gtin: u.gtin };
  });
  for (const quantity of (epcis.quantityList as { epcClass?: unknown }[] | undefined) ?? []) {
    const match = LOT_CLASS.exec(String(quantity.epcClass));
    if (match?.[1] !== undefined && match[2] !== undefined) products.push({ gtin: match[1], lot: match[2] });
  }
  const destination = orgIdOf((epcis.destinationList as { destination?: unknown }[] | undefined)?.[0]?.destination);
  return resolveAudience({
    reporterOrgId: orgIdOf(epcis['traceseal:reporter']) ?? stored.actorOrgId,
    ...(destination === undefined ? {} : { destinationOrgId: destination }),
    bizStep: String(epcis.bizStep ?? ''),
    products,
  });
};

/**
 * The facet rows of a just-committed event. A failure here leaves the event recorded with
 * its rows pending (the repair path finishes them): the caller's event is not failed for it.
 */
export const indexCommittedEvent = async (input: Parameters<typeof putEventIndexRows>[0]): Promise<void> => {
  try {
    await putEventIndexRows(input);
  } catch (error) {
    logger.warn('event index rows left pending for repair', {
      eventId: input.eventId,
      error: error instanceof Error ? error.name : 'unknown',
    });
  }
};
