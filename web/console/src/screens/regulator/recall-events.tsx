import { Button, Flex, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { useCursorPages } from '../../api/use-cursor-pages';
import { formatDateTime } from '../../format/dates';
import { ErrorNotice } from '../../layout/error-notice';
import { NoData } from './no-data';
import { OrgName, orgIdOfUri } from './org-name';

/** A recall as the EPCIS query answers it: an ObjectEvent with the disposition `recalled`. */
interface RecallRow {
  id: string;
  at: string;
  /** A whole lot (its GTIN and lot), or how many listed units. */
  lot?: { gtin: string; lot: string };
  units: number;
  reason?: string;
  by?: string;
}

/** How many empty pages in a row one read follows (a quiet year is about a dozen) before it shows what it has and offers more. */
const EMPTY_PAGES_READ_ON = 60;

const LOT_CLASS = /\/01\/(\d{14})\/10\/([^/?#]+)$/;

const recallRowOf = (event: Record<string, unknown>): RecallRow => {
  const quantities = Array.isArray(event.quantityList)
    ? (event.quantityList as { epcClass?: unknown; quantity?: unknown }[])
    : [];
  const match = LOT_CLASS.exec(typeof quantities[0]?.epcClass === 'string' ? quantities[0].epcClass : '');
  const epcs = Array.isArray(event.epcList) ? event.epcList.length : 0;
  const reason = event['traceseal:reason'];
  const by = orgIdOfUri(event['traceseal:reporter']);
  return {
    id: String(event.eventID ?? ''),
    at: String(event.eventTime ?? event.recordTime ?? ''),
    ...(match?.[1] === undefined || match[2] === undefined ? {} : { lot: { gtin: match[1], lot: decodeURIComponent(match[2]) } }),
    units: match === null ? epcs : Number(quantities[0]?.quantity ?? 0),
    ...(typeof reason === 'string' ? { reason } : {}),
    ...(by === undefined ? {} : { by }),
  };
};

/** The next page's token, from the EPCIS query's `Link: <…?nextPageToken=…>; rel="next"`. */
const nextPageTokenOf = (link: string | null): string | undefined => {
  const next = link?.split(',').find((part) => /rel="?next"?/.test(part));
  const url = next === undefined ? undefined : /<([^>]+)>/.exec(next)?.[1];
  return url === undefined ? undefined : (new URL(url, window.location.origin).searchParams.get('nextPageToken') ?? undefined);
};

/**
 * Recalls the reader may see, newest as the API orders them: a regulator's of its area, a
 * factory's of its own products (the EPCIS query decides who sees what).
 */
export const RecallEvents = () => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const pages = useCursorPages({
    queryKey: ['recalls'],
    fetchPage: async (cursor) => {
      // The query bounds each page's work, so a page over a quiet stretch of time may come back
      // empty with a next token: read on (a few pages at most) until there is something to show.
      let token = cursor;
      for (let read = 0; ; read++) {
        const answer = await api.GET('/v1/epcis/events', {
          params: {
            query: { EQ_disposition: 'recalled', perPage: '50', ...(token === undefined ? {} : { nextPageToken: token }) },
          },
        });
        const document = await dataOf(Promise.resolve(answer));
        const rows = document.epcisBody.queryResults.resultsBody.eventList.map(recallRowOf);
        token = nextPageTokenOf(answer.response.headers.get('link'));
        if (rows.length > 0 || token === undefined || read >= EMPTY_PAGES_READ_ON) return { rows, next: token };
      }
    },
    itemsOf: (page) => page.rows,
    cursorOf: (page) => page.next,
  });
  return (
    <Flex vertical gap="middle">
      {pages.error !== null && <ErrorNotice error={pages.error} />}
      <Table<RecallRow>
        rowKey="id"
        loading={pages.isPending}
        dataSource={pages.items}
        pagination={false}
        locale={{ emptyText: <NoData textKey="regulator.recalls.none" /> }}
        columns={[
          {
            title: t('regulator.recalls.at'),
            dataIndex: 'at',
            width: 170,
            render: (at: string) => formatDateTime(at, i18n.language),
          },
          {
            title: t('regulator.recalls.what'),
            key: 'what',
            render: (_, row) =>
              row.lot === undefined ? (
                t('regulator.recalls.listedUnits', { units: row.units })
              ) : (
                <Typography.Text>
                  {t('regulator.recalls.wholeLot', { gtin: row.lot.gtin, lot: row.lot.lot, units: row.units })}
                </Typography.Text>
              ),
          },
          {
            title: t('regulator.recalls.by'),
            dataIndex: 'by',
            width: 200,
            render: (by?: string) => (by === undefined ? '' : <OrgName id={by} />),
          },
          { title: t('regulator.recalls.reason'), dataIndex: 'reason', render: (reason?: string) => reason ?? '' },
        ]}
      />
      {pages.hasNextPage && (
        <Flex justify="center">
          <Button loading={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
            {t('common.loadMore')}
          </Button>
        </Flex>
      )}
    </Flex>
  );
};
