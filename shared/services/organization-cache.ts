import type { Organization } from '#shared/domain/types';
import { getOrganization } from '#shared/store/org-repository';
import { createTtlCache } from './ttl-cache';

const organizations = createTtlCache<Organization | undefined>(60_000);

/** An organization as scans and events name it: kept a minute per container, like products. */
export const getOrganizationCached = (id: string): Promise<Organization | undefined> =>
  organizations.get(id, () => getOrganization(id));
