import { getOptionalStringFromEnv } from '#kernel/config';
import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { buildOpenApiDocument } from '#shared/app/openapi';
import { ROUTES } from '#shared/app/routes';

// Without settings the document names the host that served it, which in AWS is the
// distribution: the one host in front of the API.
const document = buildOpenApiDocument({
  serverUrl: getOptionalStringFromEnv('VERIFY_BASE_URL'),
  tokenUrl: getOptionalStringFromEnv('TOKEN_URL'),
});

export const handler = createHandler(ROUTES.getOpenApi, async () => json(200, document, { cacheControl: 'public, max-age=300' }));
