/**
 * The partner directory for factories and distributors: who to ship to, by name. It lists
 * what a business registry publishes (name, role, registered province and city, and the id
 * an event names), a few at a time from a name prefix, never the whole registry, never a
 * licence number, never a regulator, lab or admin.
 */

import type { Principal } from '#kernel/auth/principal';
import { BadRequestError } from '#kernel/errors';
import { directoryQuery, MIN_QUERY_LENGTH } from '../domain/partner-directory';
import { type DirectoryEntry, searchPartnerDirectory } from '../store/partner-directory-repository';

export interface PartnerList {
  items: (DirectoryEntry & { role: 'factory' | 'distributor' })[];
  more: boolean;
}

export const searchPartners = async (principal: Principal, q: string, limit: number): Promise<PartnerList> => {
  const query = directoryQuery(q);
  if (query === undefined) {
    throw new BadRequestError('QUERY_TOO_SHORT', `Type at least ${MIN_QUERY_LENGTH} characters of the name`, {
      field: 'q',
      minLength: MIN_QUERY_LENGTH,
    });
  }
  // One more than asked: the caller itself is left out, as nobody ships to itself.
  const found = await searchPartnerDirectory(query, limit + 1);
  const others = found.entries.filter((entry) => entry.id !== principal.orgId);
  return {
    items: others.slice(0, limit) as PartnerList['items'],
    more: found.more || others.length > limit,
  };
};
