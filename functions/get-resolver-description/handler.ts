import { getStringFromEnv } from '#shared/config';
import { resolverDescription } from '#shared/domain/resolver-description';
import { createHandler } from '#shared/http/create-handler';
import { json } from '#shared/http/responses';
import { ROUTES } from '#shared/http/routes';

/** Changes only with a deploy: the CDN and clients may keep it an hour. */
export const handler = createHandler(ROUTES.getResolverDescription, async () =>
  json(200, resolverDescription(getStringFromEnv({ key: 'VERIFY_BASE_URL' })), { cacheControl: 'public, max-age=3600' }),
);
