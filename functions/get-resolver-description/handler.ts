import { getStringFromEnv } from '#kernel/config';
import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { resolverDescription } from '#resolver/contract';
import { ROUTES } from '#shared/app/routes';

/** Changes only with a deploy: the CDN and clients may keep it an hour. */
export const handler = createHandler(ROUTES.getResolverDescription, async () =>
  json(200, resolverDescription(getStringFromEnv({ key: 'VERIFY_BASE_URL' })), { cacheControl: 'public, max-age=3600' }),
);
