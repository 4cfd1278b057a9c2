import { useQuery } from '@tanstack/react-query';
import { Button, Card, Descriptions, Empty, Flex, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { Page } from '../../components/page';
import { formatDateTime } from '../../format/dates';
import { formatRegion } from '../../format/region';
import { ErrorNotice } from '../../layout/error-notice';
import { INBOX_KINDS, InboxStatusTag } from './inbox-labels';
import { InboxStatusForm } from './inbox-status-form';
import { OrgName } from './org-name';

type Kind = (typeof INBOX_KINDS)[number];

const PHOTO_STYLE = { width: 240, height: 180, objectFit: 'cover', border: '1px solid #d9d9d9', borderRadius: 6 } as const;
const isKind = (value: string | undefined): value is Kind => INBOX_KINDS.includes(value as Kind);

/** The fields of an alert the inbox shows; the API hands the alert as it now stands, as a plain object. */
const alertText = (alert: Record<string, unknown>, field: string): string | undefined => {
  const value = alert[field];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
};

/** One inbox entry: what it is about (the report with its photos, or the alert), its history, and the next status. */
export const InboxEntryView = () => {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const api = useApi();
  const params = useParams();
  const kind = isKind(params.kind) ? params.kind : 'report';
  const id = params.id ?? '';
  const detail = useQuery({
    queryKey: ['inbox-entry', kind, id],
    queryFn: () => dataOf(api.GET('/v1/inbox/{kind}/{id}', { params: { path: { kind, id } } })),
  });
  const data = detail.data;
  const back = (
    <Link to="..">
      <Button>{t('common.back')}</Button>
    </Link>
  );
  if (data === undefined) {
    return (
      <Page title={t('regulator.inbox.entryTitle')} extra={back}>
        {detail.error !== null ? <ErrorNotice error={detail.error} /> : <Card loading />}
      </Page>
    );
  }
  const { entry, report, photos, alert, history } = data;
  return (
    <Page title={entry.title} extra={back}>
      <Card title={t('regulator.inbox.entry')}>
        <Descriptions column={2} bordered size="small">
          <Descriptions.Item label={t('regulator.inbox.kind')}>{t(`regulator.inbox.kinds.${entry.kind}`)}</Descriptions.Item>
          <Descriptions.Item label={t('common.status')}>
            <InboxStatusTag status={entry.status} />
          </Descriptions.Item>
          <Descriptions.Item label={t('regulator.inbox.filedAt')}>{formatDateTime(entry.createdAt, language)}</Descriptions.Item>
          <Descriptions.Item label={t('regulator.inbox.where')}>
            {entry.provinces.length === 0
              ? t('regulator.inbox.unlocatedShort')
              : entry.provinces.map((province) => formatRegion(province, language)).join('、')}
          </Descriptions.Item>
          {entry.factoryOrgId !== undefined && (
            <Descriptions.Item label={t('regulator.inbox.factory')}>
              <OrgName id={entry.factoryOrgId} />
            </Descriptions.Item>
          )}
          {entry.gtin !== undefined && <Descriptions.Item label={t('regulator.gtin')}>{entry.gtin}</Descriptions.Item>}
        </Descriptions>
      </Card>
      {report !== undefined && (
        <Card title={t('regulator.inbox.report')}>
          <Descriptions column={1} bordered size="small">
            <Descriptions.Item label={t('regulator.inbox.reference')}>{report.reference}</Descriptions.Item>
            <Descriptions.Item label={t('regulator.inbox.place')}>
              {report.city} · {report.place}
            </Descriptions.Item>
            <Descriptions.Item label={t('regulator.inbox.description')}>{report.description}</Descriptions.Item>
            <Descriptions.Item label={t('regulator.inbox.contact')}>
              {report.contact ?? t('regulator.inbox.noContact')}
            </Descriptions.Item>
            <Descriptions.Item label={t('regulator.inbox.code')}>
              {report.code === undefined
                ? t('regulator.inbox.noCode')
                : report.code.kind === 'unit'
                  ? t('regulator.inbox.unitCode', { gtin: report.code.gtin, lot: report.code.lot, serial: report.code.serial })
                  : report.code.kind === 'container'
                    ? report.code.sscc
                    : t('regulator.inbox.unreadableCode')}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={2} style={{ fontSize: 16, marginTop: 16 }}>
            {t('regulator.inbox.photos')}
          </Typography.Title>
          {photos === undefined || photos.length === 0 ? (
            <Empty description={t('regulator.inbox.noPhotos')} />
          ) : (
            <Flex wrap gap="middle">
              {photos.map((photo, index) => (
                // The API's links are short-lived (presigned, 15 minutes): the page reads the entry again for fresh ones.
                <figure key={photo.url} style={{ margin: 0 }}>
                  <a href={photo.url} target="_blank" rel="noreferrer noopener">
                    <img
                      src={photo.url}
                      style={PHOTO_STYLE}
                      alt={t('regulator.inbox.photoAlt', { number: index + 1, reference: report.reference })}
                    />
                  </a>
                  <figcaption>
                    {t('regulator.inbox.photoCaption', { number: index + 1, kb: Math.max(1, Math.round(photo.bytes / 1024)) })}
                  </figcaption>
                </figure>
              ))}
            </Flex>
          )}
          {photos !== undefined && photos.length > 0 && (
            <Button onClick={() => void detail.refetch()}>{t('regulator.inbox.freshPhotos')}</Button>
          )}
        </Card>
      )}
      {alert !== undefined && (
        <Card title={t('regulator.inbox.alert')}>
          <Descriptions column={1} bordered size="small">
            <Descriptions.Item label={t('regulator.inbox.alertDetail')}>{alertText(alert, 'detail') ?? ''}</Descriptions.Item>
            <Descriptions.Item label={t('regulator.inbox.alertCount')}>{alertText(alert, 'count') ?? '0'}</Descriptions.Item>
            {typeof alert.firstAt === 'string' && (
              <Descriptions.Item label={t('regulator.inbox.alertFirst')}>
                {formatDateTime(alert.firstAt, language)}
              </Descriptions.Item>
            )}
            {typeof alert.lastAt === 'string' && (
              <Descriptions.Item label={t('regulator.inbox.alertLast')}>
                {formatDateTime(alert.lastAt, language)}
              </Descriptions.Item>
            )}
            {alertText(alert, 'unitFlag') !== undefined && (
              <Descriptions.Item label={t('regulator.inbox.alertFlag')}>
                <Tag>{alertText(alert, 'unitFlag')}</Tag>
              </Descriptions.Item>
            )}
          </Descriptions>
        </Card>
      )}
      <Card title={t('regulator.inbox.history')}>
        {history.length === 0 ? (
          <Typography.Text>{t('regulator.inbox.noHistory')}</Typography.Text>
        ) : (
          <Timeline
            items={history.map((change) => ({
              key: `${change.at}-${change.to}`,
              content: (
                <Flex vertical gap={2}>
                  <Typography.Text strong>
                    {t('regulator.inbox.moved', {
                      from: t(`regulator.inbox.status.${change.from}`),
                      to: t(`regulator.inbox.status.${change.to}`),
                    })}
                  </Typography.Text>
                  <Typography.Text>
                    {formatDateTime(change.at, language)} · <OrgName id={change.by.orgId} />
                  </Typography.Text>
                  {change.note !== undefined && (
                    <Typography.Text>{t('regulator.inbox.noteSaid', { note: change.note })}</Typography.Text>
                  )}
                </Flex>
              ),
            }))}
          />
        )}
      </Card>
      <InboxStatusForm kind={kind} id={id} entry={entry} />
    </Page>
  );
};
