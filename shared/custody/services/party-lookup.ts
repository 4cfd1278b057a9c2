/**
 * Names and regions of the organizations events name, read through the organization cache
 * (a minute per container), for rendering only: see shared/custody/domain/party-names.ts.
 */

import { getOrganizationCached } from '#registry';
import { ORG_URI_PREFIX } from '../domain/identifiers';
import { organizationsOf, type Party } from '../domain/party-names';

export const partiesOfEvents = async (events: readonly Record<string, unknown>[]): Promise<Map<string, Party>> => {
  const uris = new Set<string>();
  for (const event of events) {
    const named = organizationsOf(event);
    for (const uri of [...named.readPoints, ...named.sourceDests]) uris.add(uri);
  }
  const parties = new Map<string, Party>();
  await Promise.all(
    [...uris].map(async (uri) => {
      const org = await getOrganizationCached(uri.slice(ORG_URI_PREFIX.length));
      if (org !== undefined) parties.set(uri, { name: org.name, region: org.region });
    }),
  );
  return parties;
};
