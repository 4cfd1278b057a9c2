import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { ROUTES } from '#shared/app/routes';
import { verdictOfLabel } from '#verification';

/**
 * A participant's look-up of a label's verdict: the verify service's answer under /v1/, so it
 * is never logged or counted as a scan. The verdict is what anyone scanning the label sees, so
 * any registered participant may ask it; not cached, as a logged-in look-up is no public scan.
 */
export const handler = createHandler(ROUTES.getVerdict, async ({ query }) => json(200, await verdictOfLabel(query.code)));
