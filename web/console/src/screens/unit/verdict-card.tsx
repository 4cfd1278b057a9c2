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

/**
 * The verdict exactly as the verify route answers a scan (JSON by Accept). It needs the
 * label's signature (AI 8030): a code named without it (an EPC from inventory) has no verdict
 * to ask for, and the screen says so rather than guessing.
 */
export const useVerification = (code: UnitCode) => {
  const api = useApi();
  const digsig = code.digsig;
  return useQuery({
    queryKey: ['verify', code],
    enabled: digsig !== undefined && (code.kind === 'container' || code.lot !== undefined),
    queryFn: async (): Promise<{ status: string; unit?: Verification }> => {
      const headers = { Accept: 'application/json' };
      if (code.kind === 'container') {
        const answer = await dataOf(
          api.GET('/00/{sscc}', { params: { path: { sscc: code.sscc }, query: { '8030': digsig } }, headers }),
        );
        const status = (answer as { status?: unknown }).status;
        return { status: typeof status === 'string' ? status : 'unknown' };
      }
      // The route answers JSON or a page by Accept; with JSON asked for, it is the VerificationResult.
      const unit = (await dataOf(
        api.GET('/01/{gtin}/10/{lot}/21/{serial}', {
          params: { path: { gtin: code.gtin, lot: code.lot ?? '', serial: code.serial }, query: { '8030': digsig } },
          headers,
        }),
      )) as Verification;
      return { status: unit.status, unit };
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
