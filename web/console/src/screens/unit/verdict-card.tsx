import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Descriptions } from 'antd';
import { useTranslation } from 'react-i18next';
import type { components } from '../../../../shared/openapi-types.generated';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import type { UnitCode } from '../../components/unit-code';
import { formatDate, formatDateTime } from '../../format/dates';
import { formatRegion } from '../../format/region';
import { PartError } from './hidden-part';
import { SectionTitle } from './section-title';
import { ToneTag } from './tone-tag';

export type Verification = components['schemas']['VerificationResult'];

const STATUS_TONE: Record<string, 'good' | 'warn'> = { genuine: 'good', recalled: 'warn', expired: 'warn' };

/** The label's Digital Link URI, as printed, from a code read with its signature. */
const labelUri = (code: UnitCode & { digsig: string }): string => {
  const query = `?8030=${encodeURIComponent(code.digsig)}`;
  if (code.kind === 'container') return `https://id.gs1.org/00/${code.sscc}${query}`;
  const { gtin, lot, serial } = code;
  return `https://id.gs1.org/01/${gtin}/10/${encodeURIComponent(lot ?? '')}/21/${encodeURIComponent(serial)}${query}`;
};

/**
 * The verdict exactly as a scan of the label answers it, asked of the participants' look-up
 * (`GET /v1/verdicts`), never of the verify route: a request there is a scan, and people opening
 * a unit's story would count as scans of it, feed the anomaly rules and could block it. It needs
 * the label's signature (AI 8030): a code named without it (an EPC from inventory) has no verdict
 * to ask for, and the screen says so rather than guessing.
 */
export const useVerification = (code: UnitCode) => {
  const api = useApi();
  const digsig = code.digsig;
  return useQuery({
    queryKey: ['verdict', code],
    enabled: digsig !== undefined && (code.kind === 'container' || code.lot !== undefined),
    queryFn: async (): Promise<{ status: string; unit?: Verification }> => {
      if (digsig === undefined) throw new Error('a verdict needs the label signature');
      const answer = await dataOf(api.GET('/v1/verdicts', { params: { query: { code: labelUri({ ...code, digsig }) } } }));
      if (code.kind === 'container' || !('serial' in answer.code)) return { status: answer.status };
      return { status: answer.status, unit: answer as Verification };
    },
  });
};

/** The verdict, the product and its lot, the factory: what a scan of this label tells. */
export const VerdictCard = ({ verification }: { verification: ReturnType<typeof useVerification> }) => {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const answer = verification.data;
  const unit = answer?.unit;
  return (
    <Card title={<SectionTitle>{t('unit.verdict')}</SectionTitle>} loading={verification.isLoading}>
      {!verification.isLoading && answer === undefined && verification.error === null && (
        <Alert type="info" showIcon title={t('unit.needsSignature')} />
      )}
      {verification.error !== null && <PartError error={verification.error} />}
      {answer !== undefined && (
        <Descriptions column={2} bordered size="small">
          <Descriptions.Item label={t('unit.status')} span={2}>
            <ToneTag tone={STATUS_TONE[answer.status] ?? 'bad'}>
              {t(`unit.verdicts.${answer.status}`, { defaultValue: answer.status })}
            </ToneTag>
            {unit?.scanAlert !== undefined && <ToneTag tone="bad">{t(`unit.flag.${unit.scanAlert.level}`)}</ToneTag>}
          </Descriptions.Item>
          {unit?.product !== undefined && (
            <>
              <Descriptions.Item label={t('unit.product')}>
                {(en ? unit.product.names?.en : unit.product.names?.zh) ?? unit.product.name}
              </Descriptions.Item>
              <Descriptions.Item label={t('unit.standard')}>{unit.product.standard}</Descriptions.Item>
              <Descriptions.Item label={t('unit.gtin')}>{unit.product.gtin}</Descriptions.Item>
              <Descriptions.Item label={t('unit.laCertificate')}>{unit.product.laCertificate.number}</Descriptions.Item>
            </>
          )}
          {unit?.batch !== undefined && (
            <>
              <Descriptions.Item label={t('unit.lot')}>{unit.batch.lot}</Descriptions.Item>
              <Descriptions.Item label={t('unit.serial')}>{unit.code.serial}</Descriptions.Item>
              <Descriptions.Item label={t('unit.productionDate')}>
                {formatDate(unit.batch.productionDate, i18n.language)}
              </Descriptions.Item>
              <Descriptions.Item label={t('unit.endOfLife')}>
                {formatDate(unit.batch.endOfServiceLife, i18n.language)}
              </Descriptions.Item>
              {unit.batch.recalledAt !== undefined && (
                <Descriptions.Item label={t('unit.recalledAt')} span={2}>
                  {formatDateTime(unit.batch.recalledAt, i18n.language)} {unit.batch.recallReason ?? ''}
                </Descriptions.Item>
              )}
            </>
          )}
          {unit?.factory !== undefined && (
            <Descriptions.Item label={t('unit.factory')} span={2}>
              {(en ? unit.factory.names?.en : unit.factory.names?.zh) ?? unit.factory.name} ·{' '}
              {formatRegion(unit.factory.region, i18n.language)}
            </Descriptions.Item>
          )}
        </Descriptions>
      )}
    </Card>
  );
};
