import { createTtlCache } from '#kernel/ttl-cache';
import type { Organization } from '../domain/registry';
import { getOrganization } from '../store/org-repository';

const organizations = createTtlCache<Organization | undefined>(60_000);

/** An organization as scans and events name it: kept a minute per container, like products. */
export const getOrganizationCached = (id: string): Promise<Organization | undefined> =>
  organizations.get(id, () => getOrganization(id));
