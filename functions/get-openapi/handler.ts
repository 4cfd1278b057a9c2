import { createHandler } from '#shared/http/create-handler';
import { buildOpenApiDocument } from '#shared/http/openapi';
import { json } from '#shared/http/responses';
import { ROUTES } from '#shared/http/routes';

const document = buildOpenApiDocument();

export const handler = createHandler(ROUTES.getOpenApi, async () => json(200, document, { cacheControl: 'public, max-age=300' }));
