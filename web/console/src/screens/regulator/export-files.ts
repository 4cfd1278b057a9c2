/**
 * An export's files, read from the links its job answers (GET /v1/audit/exports/{id}):
 * presigned links to the exports bucket in AWS, the gateway's HMAC'd links locally. They are
 * the API's own answer and carry their authority in the URL, so they are fetched as given,
 * with no bearer token and no cookie (a presigned URL refuses a second credential). This is
 * the console's one request outside the generated client.
 */
export const readExportFile = async (link: string): Promise<Uint8Array> => {
  const response = await fetch(link, { credentials: 'omit', cache: 'no-store' });
  if (!response.ok) {
    throw { status: response.status, code: `HTTP_${response.status}`, message: response.statusText || 'download failed' };
  }
  return new Uint8Array(await response.arrayBuffer());
};
