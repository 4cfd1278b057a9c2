import { buildContainerLink } from '#shared/codes/digital-link';
import { getStringFromEnv } from '#shared/config';
import { createHandler } from '#shared/http/create-handler';
import { json } from '#shared/http/responses';
import { ROUTES } from '#shared/http/routes';
import { issueContainers } from '#shared/services/container-service';

const verifyBaseUrl = getStringFromEnv({ key: 'VERIFY_BASE_URL' });

export const handler = createHandler(ROUTES.createContainers, async ({ principal, body }) => {
  const containers = await issueContainers(principal, body);
  return json(201, { codes: containers.map((c) => ({ sscc: c.sscc, uri: buildContainerLink(verifyBaseUrl, c) })) });
});
