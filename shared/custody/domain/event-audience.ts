import { isNationalRegion, provinceOf } from '#kernel/places/provinces';
import type { Role } from '#kernel/roles';

/**
 * Who an event concerns, decided once when it is recorded and stored on the event item:
 * what the facet rows are made of, and what decides who may read the event.
 *  - parties: the organizations that took part (reporter, source and destination owners)
 *    and the owners of the GTINs it is about;
 *  - provinces: the provinces of the reporter and the destination, where it happened;
 *  - gtins and lots (`gtin/lot`): the products it is about. Units name both; an event on
 *    containers only names what it lists, never what is packed inside (reading the
 *    container tree for every event would cost more than the event);
 *  - bizStep: the CBV step as published in the EPCIS event.
 */
export interface EventAudience {
  parties: string[];
  provinces: string[];
  gtins: string[];
  lots: string[];
  bizStep: string;
}

export interface AudienceInput {
  reporterOrgId: string;
  destinationOrgId?: string;
  bizStep: string;
  products: { gtin: string; lot?: string }[];
  /** Registered region of each organization involved (`CN-GD Shenzhen`). */
  regionOf: (orgId: string) => string | undefined;
  ownerOf: (gtin: string) => string | undefined;
}

const sorted = (values: Iterable<string | undefined>): string[] =>
  [...new Set([...values].filter((v): v is string => v !== undefined && v !== ''))].sort();

export const audienceOf = (input: AudienceInput): EventAudience => {
  const involved = [input.reporterOrgId, input.destinationOrgId];
  const gtins = sorted(input.products.map((p) => p.gtin));
  return {
    parties: sorted([...involved, ...gtins.map(input.ownerOf)]),
    provinces: sorted(involved.map((id) => (id === undefined ? undefined : input.regionOf(id))).map((r) => r && provinceOf(r))),
    gtins,
    lots: sorted(input.products.map((p) => (p.lot === undefined ? undefined : `${p.gtin}/${p.lot}`))),
    bizStep: input.bizStep,
  };
};

/**
 * Who reads what. A regulator reads its province; one whose region is a bare country code
 * (`CN`) is national and reads everything. A factory or distributor reads the events it is
 * a party of: a factory therefore every event on its own GTINs, a distributor what passed
 * through its hands. Anyone else reads nothing.
 */
export type EventViewer =
  | { kind: 'everything' }
  | { kind: 'province'; province: string }
  | { kind: 'party'; orgId: string }
  | { kind: 'nothing' };

export const viewerOf = (org: { id: string; role: Role; region: string }): EventViewer => {
  if (org.role === 'regulator') {
    return isNationalRegion(org.region) ? { kind: 'everything' } : { kind: 'province', province: provinceOf(org.region) };
  }
  if (org.role === 'factory' || org.role === 'distributor') return { kind: 'party', orgId: org.id };
  return { kind: 'nothing' };
};

export const canSee = (viewer: EventViewer, audience: Pick<EventAudience, 'parties' | 'provinces'>): boolean => {
  switch (viewer.kind) {
    case 'everything':
      return true;
    case 'province':
      return audience.provinces.includes(viewer.province);
    case 'party':
      return audience.parties.includes(viewer.orgId);
    default:
      return false;
  }
};
