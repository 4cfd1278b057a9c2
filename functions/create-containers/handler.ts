import { issueContainers } from '#custody';
import { LABEL_LINK_TTL_SECONDS, requirePrintable, writeContainerLabels } from '#issuance';
import { buildContainerLink } from '#kernel/codes/digital-link';
import { getStringFromEnv } from '#kernel/config';
import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { ROUTES } from '#shared/app/routes';

const verifyBaseUrl = getStringFromEnv({ key: 'VERIFY_BASE_URL' });

// As long as every container URI: the SSCC and AI 8030 have fixed lengths.
const SAMPLE_URI = buildContainerLink(verifyBaseUrl, { sscc: '0'.repeat(18), digsig: 'A'.repeat(90) });

export const handler = createHandler(ROUTES.createContainers, async ({ principal, body }) => {
  if (body.labels !== undefined) requirePrintable(body.labels, { uri: SAMPLE_URI, serial: '0'.repeat(18), lot: body.kind });
  const containers = await issueContainers(principal, body);
  const codes = containers.map((c) => ({ sscc: c.sscc, uri: buildContainerLink(verifyBaseUrl, c) }));
  const labels =
    body.labels === undefined ? undefined : await writeContainerLabels(codes, body.kind, body.labels, LABEL_LINK_TTL_SECONDS);
  return json(201, { codes, ...(labels === undefined ? {} : { labels }) });
});
