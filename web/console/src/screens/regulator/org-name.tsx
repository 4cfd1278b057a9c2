import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';

/**
 * An organization as a person reads it: its name, never its id. An organization the reader may
 * not look up (a factory reading who recalled its lot) is named by what it is not allowed to see.
 */
export const OrgName = ({ id }: { id: string }) => {
  const { t } = useTranslation();
  const api = useApi();
  const org = useQuery({
    queryKey: ['org', id],
    queryFn: () => dataOf(api.GET('/v1/orgs/{id}', { params: { path: { id } } })),
    staleTime: 5 * 60_000,
    retry: false,
  });
  if (org.data !== undefined) return <>{org.data.name}</>;
  return <>{org.isPending ? '…' : t('regulator.otherOrganization')}</>;
};

/** The organization an EPCIS reader point or reporter URI names (`urn:…:org:<id>` or a path ending in it). */
export const orgIdOfUri = (uri: unknown): string | undefined => {
  if (typeof uri !== 'string') return undefined;
  return /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(uri)?.[1];
};
