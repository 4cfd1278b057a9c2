import type { Organization } from '#shared/kernel/types';
import { getOrganization } from '#shared/registry/store/org-repository';
import { createTtlCache } from '../../kernel/ttl-cache';

const organizations = createTtlCache<Organization | undefined>(60_000);

/** An organization as scans and events name it: kept a minute per container, like products. */
export const getOrganizationCached = (id: string): Promise<Organization | undefined> =>
  organizations.get(id, () => getOrganization(id));
