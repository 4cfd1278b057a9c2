import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { getJwks } from '#kernel/keys/public-key-cache';
import { ROUTES } from '#shared/app/routes';

/**
 * Every key that ever signed stays listed, so old labels keep verifying offline. Cached an
 * hour (the verify page checks on the phone against it; a key a rotation publishes is found
 * within the hour, and until then the page defers to the server), and served stale for a
 * week if the origin is down, which is when the in-browser check matters most.
 */
export const handler = createHandler(ROUTES.getJwks, async () =>
  json(
    200,
    { keys: await getJwks() },
    { cacheControl: 'public, max-age=3600, s-maxage=3600, stale-while-revalidate=86400, stale-if-error=604800' },
  ),
);
