import { ROUTES } from '../../shared/http/routes';
import { createHandler } from '../../shared/http/create-handler';
import { json } from '../../shared/http/responses';
import { buildOpenApiDocument } from '../../shared/http/openapi';

const document = buildOpenApiDocument();

export const handler = createHandler(ROUTES.getOpenApi, async () =>
  json(200, document, { cacheControl: 'public, max-age=300' }),
);
