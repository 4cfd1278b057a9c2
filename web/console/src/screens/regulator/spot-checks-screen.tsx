import { useQuery } from '@tanstack/react-query';
import { Button, Flex, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes } from 'react-router';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { useCursorPages } from '../../api/use-cursor-pages';
import { usePerson } from '../../auth/auth-context';
import { Page } from '../../components/page';
import { formatDateTime } from '../../format/dates';
import { formatRegion } from '../../format/region';
import { ErrorNotice } from '../../layout/error-notice';
import { InspectorsCard } from './inspectors-card';
import { NoData } from './no-data';
import { SpotCheckDrawView } from './spot-check-draw';
import { type DrawKind, type DrawStatus, DrawStatusTag } from './spot-check-labels';
import { NewDrawCard } from './spot-check-new-draw';

/** Secrets of the draws committed in this tab, kept in memory for their reveal and nowhere else. */
export type DrawSecrets = ReadonlyMap<string, string>;

const DrawList = ({ onSecret }: { onSecret: (drawId: string, secret: string) => void }) => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const person = usePerson();
  const inspectors = useQuery({
    queryKey: ['inspectors'],
    queryFn: () => dataOf(api.GET('/v1/inspectors')),
  });
  const draws = useCursorPages({
    queryKey: ['draws'],
    fetchPage: (cursor) =>
      dataOf(api.GET('/v1/spot-checks/draws', { params: { query: { limit: 50, ...(cursor === undefined ? {} : { cursor }) } } })),
    itemsOf: (page) => page.draws,
    cursorOf: (page) => page.cursor,
  });
  return (
    <Page title={t('regulator.spotChecks.title')}>
      <NewDrawCard inspectors={inspectors.data?.inspectors ?? []} onSecret={onSecret} />
      <InspectorsCard inspectors={inspectors} />
      {draws.error !== null && <ErrorNotice error={draws.error} />}
      <Table
        rowKey="id"
        loading={draws.isPending}
        dataSource={draws.items}
        pagination={false}
        locale={{ emptyText: <NoData /> }}
        title={() => t('regulator.spotChecks.published')}
        columns={[
          {
            title: t('regulator.spotChecks.committedAt'),
            dataIndex: 'committedAt',
            width: 170,
            render: (at: string) => formatDateTime(at, i18n.language),
          },
          {
            title: t('regulator.spotChecks.kind'),
            dataIndex: 'kind',
            render: (kind: DrawKind, draw) => (
              <Link to={draw.id}>
                {t(`regulator.spotChecks.kinds.${kind}`)} · {formatRegion(draw.scope.province, i18n.language)}
              </Link>
            ),
          },
          { title: t('regulator.spotChecks.sampleSize'), dataIndex: 'sampleSize', width: 110 },
          {
            title: t('regulator.spotChecks.drawnBy'),
            dataIndex: 'regulatorOrgId',
            width: 140,
            render: (id: string) =>
              id === person.orgId ? <Tag>{t('regulator.spotChecks.mine')}</Tag> : t('regulator.spotChecks.others'),
          },
          {
            title: t('common.status'),
            dataIndex: 'status',
            width: 110,
            render: (status: DrawStatus) => <DrawStatusTag status={status} />,
          },
        ]}
      />
      {draws.hasNextPage && (
        <Flex justify="center">
          <Button loading={draws.isFetchingNextPage} onClick={() => void draws.fetchNextPage()}>
            {t('common.loadMore')}
          </Button>
        </Flex>
      )}
    </Page>
  );
};

/** Double-random spot checks: the draws, commitment to reveal to results, each at `<id>`. */
export const SpotChecksScreen = () => {
  const [secrets, setSecrets] = useState<DrawSecrets>(new Map());
  const remember = (drawId: string, secret: string) => setSecrets((known) => new Map(known).set(drawId, secret));
  return (
    <Routes>
      <Route index element={<DrawList onSecret={remember} />} />
      <Route path=":id" element={<SpotCheckDrawView secrets={secrets} onSecret={remember} />} />
    </Routes>
  );
};
