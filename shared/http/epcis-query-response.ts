import { EPCIS_CONTEXT } from '#shared/custody/epcis';
import { linkValue } from '#shared/domain/header-values';
import { withQuery } from '#shared/domain/uri-encoding';
import type { EpcisPage } from '#shared/services/epcis-query-service';
import { type HttpResponse, json } from './responses';

/**
 * The REST binding's answer: an EPCISQueryDocument, and the next page as a Link header
 * repeating the query with its nextPageToken (RFC 8288), as EPCIS 2.0 clients follow it.
 */
export const epcisQueryResponse = (
  page: EpcisPage,
  path: string,
  raw: Record<string, string | undefined>,
  now: Date,
): HttpResponse => {
  const headers: Record<string, string> = { 'GS1-EPCIS-Version': '2.0.0', 'GS1-CBV-Version': '2.0.0' };
  if (page.nextPageToken !== undefined) {
    const { nextPageToken: _previous, ...query } = raw;
    headers.Link = linkValue(withQuery(path, { ...query, nextPageToken: page.nextPageToken }), { rel: 'next' });
  }
  return json(
    200,
    {
      '@context': EPCIS_CONTEXT,
      type: 'EPCISQueryDocument',
      schemaVersion: '2.0',
      creationDate: now.toISOString(),
      epcisBody: { queryResults: { queryName: 'SimpleEventQuery', resultsBody: { eventList: page.events } } },
    },
    { headers },
  );
};
