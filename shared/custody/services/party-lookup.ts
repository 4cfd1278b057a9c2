/**
 * Names and regions of the organizations events name, read through the organization cache
 * (a minute per container), for rendering only: see shared/custody/domain/party-names.ts.
 */

import { getOrganizationCached } from '#registry';
import { ORG_URI_PREFIX } from '../domain/identifiers';
import { organizationsOf, type Party } from '../domain/party-names';

/** Read this many at a time: an export's master data may name thousands. */
const LOOKUPS_AT_ONCE = 25;

/** The name and region of each organization URI; unknown organizations are left out. */
export const partiesOfUris = async (uris: Iterable<string>): Promise<Map<string, Party>> => {
  const parties = new Map<string, Party>();
  const all = [...new Set(uris)];
  for (let i = 0; i < all.length; i += LOOKUPS_AT_ONCE) {
    await Promise.all(
      all.slice(i, i + LOOKUPS_AT_ONCE).map(async (uri) => {
        const org = await getOrganizationCached(uri.slice(ORG_URI_PREFIX.length));
        if (org !== undefined) parties.set(uri, { name: org.name, region: org.region });
      }),
    );
  }
  return parties;
};

export const partiesOfEvents = (events: readonly Record<string, unknown>[]): Promise<Map<string, Party>> =>
  partiesOfUris(
    events.flatMap((event) => {
      const named = organizationsOf(event);
      return [...named.readPoints, ...named.sourceDests];
    }),
  );
