import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';

/**
 * Organizations' names as far as the viewer may read them (its own; regulators and admins
 * any): another organization's is "another organization", never its id.
 */
export const useOrgNames = (ids: readonly string[]): ((id: string | undefined) => string) => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const unique = [...new Set(ids)];
  const results = useQueries({
    queries: unique.map((id) => ({
      queryKey: ['org', id],
      queryFn: () => dataOf(api.GET('/v1/orgs/{id}', { params: { path: { id } } })),
      retry: false,
      staleTime: 300_000,
    })),
  });
  const names = new Map<string, string>();
  unique.forEach((id, index) => {
    const org = results[index]?.data;
    if (org !== undefined) names.set(id, (i18n.language === 'en' ? org.names?.en : org.names?.zh) ?? org.name);
  });
  return (id) => (id === undefined ? '' : (names.get(id) ?? t('unit.anotherOrg')));
};
