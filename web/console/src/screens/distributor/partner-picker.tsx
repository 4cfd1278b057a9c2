import { useQuery } from '@tanstack/react-query';
import { AutoComplete, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { formatRegion } from '../../format/region';
import { ErrorNotice } from '../../layout/error-notice';

export interface Partner {
  readonly id: string;
  readonly name: string;
  readonly role: 'factory' | 'distributor';
  readonly region: string;
}

/** The partner directory asks for at least this much of a name. */
const MIN_QUERY = 2;

/**
 * A shipment's destination chosen by name: the directory is searched as the clerk types
 * (from the second character), each match shown with its role and city, never its id.
 */
export const PartnerPicker = ({ onChange }: { onChange: (partner: Partner | undefined) => void }) => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const [typed, setTyped] = useState('');
  const q = typed.trim();
  const found = useQuery({
    queryKey: ['partners', q],
    queryFn: () => dataOf(api.GET('/v1/partners', { params: { query: { q, limit: 10 } } })),
    enabled: q.length >= MIN_QUERY,
  });
  const partners = found.data?.items ?? [];
  const describe = (partner: Partner) =>
    `${partner.name} · ${t(`role.${partner.role}`)} · ${formatRegion(partner.region, i18n.language)}`;
  return (
    <>
      <AutoComplete
        aria-label={t('distributor.ship.partner')}
        placeholder={t('distributor.ship.partnerPlaceholder')}
        style={{ width: '100%', maxWidth: 520 }}
        value={typed}
        onChange={(value: string) => {
          setTyped(value);
          onChange(undefined);
        }}
        onSelect={(_: string, option: { partner: Partner }) => {
          setTyped(option.partner.name);
          onChange(option.partner);
        }}
        // The option's value is what screen readers and the field show: the name, role and city, never the id.
        options={partners.map((partner) => ({ key: partner.id, value: describe(partner), partner }))}
        notFoundContent={q.length >= MIN_QUERY && found.isSuccess ? t('distributor.ship.noPartner') : undefined}
      />
      {found.data?.more === true && <Typography.Text>{t('distributor.ship.more')}</Typography.Text>}
      {found.error !== null && <ErrorNotice error={found.error} />}
    </>
  );
};
