import { errorResponse as error, route } from '#kernel/http/route-definition';
import { EpcisEventsQuery, EpcisQueryDocument } from './epcis-query-schemas';

/** The EPCIS 2.0 query interface (shared/app/routes.ts spreads these into ROUTES). */

export const EPCIS_ROUTES = {
  queryEpcisEvents: route({
    operationId: 'queryEpcisEvents',
    method: 'GET',
    path: '/v1/epcis/events',
    functionName: 'query-epcis-events',
    summary:
      'EPCIS 2.0 events query (REST binding, a documented subset): a regulator its province (national: everything), a factory its products, a distributor its own events',
    auth: ['factory', 'distributor', 'regulator'],
    query: EpcisEventsQuery,
    responses: {
      200: {
        description: 'One page as an EPCIS query document; Link rel="next" carries the next page',
        schema: EpcisQueryDocument,
      },
      400: error('QUERY_PARAMETER_EXCEPTION (unknown, unsupported or malformed parameters, named) or INVALID_CURSOR'),
      401: error('Missing or invalid token'),
      403: error('Role or organization not allowed'),
    },
  }),
} as const;
