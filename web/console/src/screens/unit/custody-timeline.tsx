import { useQueries, useQuery } from '@tanstack/react-query';
import { Alert, Card, Space, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { type ApiClient, dataOf } from '../../api/client';
import type { UnitCode } from '../../components/unit-code';
import { UnitLink } from '../../components/unit-link';
import { formatDateTime } from '../../format/dates';
import { type ChainEntry, custodySteps, parentsIn } from './custody-steps';
import { PartError } from './hidden-part';
import { useOrgNames } from './org-names';
import { SectionTitle } from './section-title';
import { ToneTag } from './tone-tag';

type ChainAnswer = { subject: string; chain: ChainEntry[]; check: { valid: boolean } };

const SSCC_EPC = /\/00\/(\d{18})$/;

const containerChain = (api: ApiClient, sscc: string): Promise<ChainAnswer> =>
  dataOf(api.GET('/v1/chain/00/{sscc}', { params: { path: { sscc } } }));

const subjectChain = (api: ApiClient, code: UnitCode & { lot: string }): Promise<ChainAnswer> =>
  code.kind === 'container'
    ? containerChain(api, code.sscc)
    : dataOf(api.GET('/v1/chain/01/{gtin}/10/{lot}/21/{serial}', { params: { path: code } }));

/** Every container named as a parent in the chains read so far, until none is new (a few levels at most). */
const containersToRead = (subject: string | undefined, chains: ReadonlyMap<string, readonly ChainEntry[]>): string[] => {
  if (subject === undefined) return [];
  const found = new Set<string>();
  const queue = [subject];
  while (queue.length > 0 && found.size < 12) {
    const epc = queue.shift() as string;
    for (const parent of parentsIn(epc, chains.get(epc) ?? [])) {
      if (!found.has(parent) && parent !== subject) {
        found.add(parent);
        queue.push(parent);
      }
    }
  }
  return [...found];
};

/** The custody timeline: each step, who reported it, where it went, and the cases and pallets around the unit then. */
export const CustodyTimeline = ({ code }: { code: UnitCode }) => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const lot = code.kind === 'unit' ? code.lot : '';
  const readable = code.kind === 'container' || lot !== undefined;
  const own = useQuery({
    queryKey: ['chain', code],
    queryFn: () => subjectChain(api, { ...code, lot: lot ?? '' }),
    enabled: readable,
  });
  const chains = new Map<string, readonly ChainEntry[]>();
  if (own.data !== undefined) chains.set(own.data.subject, own.data.chain);
  // The containers' chains, read as they are discovered: a case, then the pallet it went on.
  const firstLevel = containersToRead(own.data?.subject, chains);
  const containers = useQueries({
    queries: firstLevel.map((epc) => ({
      queryKey: ['chain', epc],
      queryFn: () => containerChain(api, SSCC_EPC.exec(epc)?.[1] ?? ''),
      retry: false,
    })),
  });
  for (const container of containers) if (container.data !== undefined) chains.set(container.data.subject, container.data.chain);
  const deeper = containersToRead(own.data?.subject, chains).filter((epc) => !firstLevel.includes(epc));
  const nested = useQueries({
    queries: deeper.map((epc) => ({
      queryKey: ['chain', epc],
      queryFn: () => containerChain(api, SSCC_EPC.exec(epc)?.[1] ?? ''),
      retry: false,
    })),
  });
  for (const container of nested) if (container.data !== undefined) chains.set(container.data.subject, container.data.chain);
  const steps = own.data === undefined ? [] : custodySteps(own.data.subject, chains);
  const orgName = useOrgNames(steps.flatMap((step) => [step.by, step.to].filter((id): id is string => id !== undefined)));
  const hiddenContainers = [...containers, ...nested].some((container) => container.error !== null);

  return (
    <Card title={<SectionTitle>{t('unit.custody')}</SectionTitle>} loading={readable && own.isPending}>
      {!readable && <Alert type="info" showIcon title={t('unit.needsLot')} />}
      {own.error !== null && <PartError error={own.error} />}
      {own.data !== undefined && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <ToneTag tone={own.data.check.valid ? 'good' : 'bad'}>
            {own.data.check.valid ? t('unit.chainIntact') : t('unit.chainBroken')}
          </ToneTag>
          {hiddenContainers && <Alert type="info" showIcon title={t('unit.containerNotVisible')} />}
          <Timeline
            items={steps.map((step) => ({
              key: step.eventId,
              title: formatDateTime(step.time, i18n.language),
              content: (
                <Space orientation="vertical" size={0}>
                  <Typography.Text strong>
                    {t(`unit.step.${step.bizStep}`, { defaultValue: step.bizStep })}
                    {step.by !== undefined && ` · ${orgName(step.by)}`}
                    {step.to !== undefined && ` → ${orgName(step.to)}`}
                  </Typography.Text>
                  {/* Lines with links are plain divs: Typography colours links below AA contrast. */}
                  {step.about !== own.data.subject && (
                    <div>
                      {t('unit.withContainer')} <UnitLink code={step.about} />
                    </div>
                  )}
                  {step.parent !== undefined && step.parent !== step.about && (
                    <div>
                      {t('unit.container')}: <UnitLink code={step.parent} /> · {t('unit.codesMoved', { n: step.children ?? 0 })}
                    </div>
                  )}
                  {step.containers.length > 0 && (
                    <div>
                      {t('unit.packedIn')}{' '}
                      {step.containers.map((epc, index) => (
                        <span key={epc}>
                          {index > 0 && ' ⊂ '}
                          <UnitLink code={epc} />
                        </span>
                      ))}
                    </div>
                  )}
                </Space>
              ),
            }))}
          />
        </Space>
      )}
    </Card>
  );
};
