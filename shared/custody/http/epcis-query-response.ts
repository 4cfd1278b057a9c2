import { linkValue } from '#kernel/http/header-values';
import { type HttpResponse, json } from '#kernel/http/responses';
import { withQuery } from '#kernel/http/uri-encoding';
import { EPCIS_CONTEXT } from '../domain/epcis';
import { type Parties, partyVocabularies } from '../domain/party-names';
import type { EpcisPage } from '../services/epcis-query-service';

/**
 * The REST binding's answer: an EPCISQueryDocument (with its organizations' names as master
 * data in resultsBody.vocabularyList), and the next page as a Link header
 * repeating the query with its nextPageToken (RFC 8288), as EPCIS 2.0 clients follow it.
 */
export const epcisQueryResponse = (
  page: EpcisPage,
  parties: Parties,
  path: string,
  raw: Record<string, string | undefined>,
  now: Date,
): HttpResponse => {
  const headers: Record<string, string> = { 'GS1-EPCIS-Version': '2.0.0', 'GS1-CBV-Version': '2.0.0' };
  if (page.nextPageToken !== undefined) {
    const { nextPageToken: _previous, ...query } = raw;
    headers.Link = linkValue(withQuery(path, { ...query, nextPageToken: page.nextPageToken }), { rel: 'next' });
  }
  // The organizations' names, as master data beside the events (never in them: see party-names.ts).
  const vocabularyList = partyVocabularies(page.events, parties);
  return json(
    200,
    {
      '@context': EPCIS_CONTEXT,
      type: 'EPCISQueryDocument',
      schemaVersion: '2.0',
      creationDate: now.toISOString(),
      epcisBody: {
        queryResults: {
          queryName: 'SimpleEventQuery',
          resultsBody: { eventList: page.events, ...(vocabularyList.length === 0 ? {} : { vocabularyList }) },
        },
      },
    },
    { headers },
  );
};
