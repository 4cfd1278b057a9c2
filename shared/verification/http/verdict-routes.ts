import { errors, route } from '#kernel/http/route-definition';
import { Verdict, VerdictQuery } from './schemas';

/**
 * A participant's look-up of a label's verdict (shared/app/routes.ts spreads it into ROUTES).
 * Under /v1/, the uncached API behaviour whose requests never enter the scan log, unlike the
 * verification paths (/01/…, /00/…) a public scan asks.
 */
export const VERDICT_ROUTES = {
  getVerdict: route({
    operationId: 'getVerdict',
    method: 'GET',
    path: '/v1/verdicts',
    functionName: 'get-verdict',
    summary:
      "A label's verdict exactly as a scan of it answers (JSON), for participants; a look-up, never recorded or counted as a scan",
    auth: ['factory', 'distributor', 'regulator', 'lab', 'admin'],
    query: VerdictQuery,
    responses: { 200: { description: 'The verdict', schema: Verdict }, ...errors(400, 401, 403) },
  }),
} as const;
