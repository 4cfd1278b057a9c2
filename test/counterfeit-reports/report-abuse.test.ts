import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { reporterIn } from '../support/reporter-addresses';
import {
  freshViewer,
  gifPhoto,
  jpegPhoto,
  listReports,
  pngPhoto,
  postForm,
  postJson,
  registerOrgIn,
  reportFields,
  storedPhotos,
} from '../support/reports';

/**
 * Every bad upload is a clear 4xx that stores nothing: no report, no photo, and no use of
 * the sender's rate-limit budget. The rate limit itself answers 429 with Retry-After.
 */
let service: TestService;
let regulator: { id: string; token: string };
beforeAll(async () => {
  let adminToken: string;
  ({ service, adminToken } = await startTestServiceWithAdmin({ simulateViewerLocation: true }));
  regulator = await registerOrgIn(service, adminToken, 'regulator', 'CN-SH Shanghai');
});
afterAll(async () => service?.stop());

const MB = 1024 * 1024;
const truncatedJpeg = () => jpegPhoto(4096).subarray(0, 3000);
const truncatedPng = () => pngPhoto().subarray(0, pngPhoto().length - 5);
const b64 = (bytes: Buffer) => bytes.toString('base64');

type BadUpload = { name: string; status: number; code: string; send: (viewer: Record<string, string>) => Promise<Response> };

const BAD_UPLOADS: BadUpload[] = [
  {
    name: 'a GIF (wrong type)',
    status: 415,
    code: 'UNSUPPORTED_PHOTO_TYPE',
    send: (v) => postForm(service, reportFields(), [gifPhoto()], v),
  },
  {
    name: 'a PDF declared as image/jpeg',
    status: 415,
    code: 'UNSUPPORTED_PHOTO_TYPE',
    send: (v) => postJson(service, { ...reportFields(), photos: [b64(Buffer.from('%PDF-1.7\n...'))] }, v),
  },
  {
    name: 'an oversized photo',
    status: 413,
    code: 'PHOTO_TOO_LARGE',
    send: (v) => postForm(service, reportFields(), [jpegPhoto(2 * MB + 1)], v),
  },
  {
    name: 'a truncated JPEG',
    status: 400,
    code: 'TRUNCATED_PHOTO',
    send: (v) => postForm(service, reportFields(), [truncatedJpeg()], v),
  },
  {
    name: 'a truncated PNG (JSON)',
    status: 400,
    code: 'TRUNCATED_PHOTO',
    send: (v) => postJson(service, { ...reportFields(), photos: [b64(pngPhoto()), b64(truncatedPng())] }, v),
  },
  {
    name: 'four photos (form)',
    status: 400,
    code: 'TOO_MANY_PHOTOS',
    send: (v) => postForm(service, reportFields(), [jpegPhoto(), jpegPhoto(), jpegPhoto(), jpegPhoto()], v),
  },
  {
    name: 'four photos (JSON)',
    status: 400,
    code: 'TOO_MANY_PHOTOS',
    send: (v) => postJson(service, { ...reportFields(), photos: Array.from({ length: 4 }, () => b64(pngPhoto())) }, v),
  },
  {
    name: 'no description',
    status: 400,
    code: 'VALIDATION_FAILED',
    send: (v) => postForm(service, { place: 'Market', city: 'Shanghai', description: '   ' }, [jpegPhoto()], v),
  },
  {
    name: 'an unknown form field',
    status: 400,
    code: 'VALIDATION_FAILED',
    send: (v) => postForm(service, { ...reportFields(), region: 'CN-XX' }, [], v),
  },
  {
    name: 'a body over 4 MiB',
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    send: (v) => postForm(service, reportFields(), [jpegPhoto(4 * MB + 10)], v),
  },
  {
    name: 'photos that are not base64',
    status: 400,
    code: 'VALIDATION_FAILED',
    send: (v) => postJson(service, { ...reportFields(), photos: ['not base64!'] }, v),
  },
  {
    name: 'text/plain',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    send: (v) => service.call('POST', '/v1/reports', { body: 'hello', headers: { ...v, 'content-type': 'text/plain' } }),
  },
  {
    name: 'a multipart body cut before its closing boundary',
    status: 400,
    code: 'MALFORMED_MULTIPART',
    send: (v) =>
      service.call('POST', '/v1/reports', {
        body: '--XyZ\r\nContent-Disposition: form-data; name="place"\r\n\r\nMarket',
        headers: { ...v, 'content-type': 'multipart/form-data; boundary=XyZ' },
      }),
  },
];

describe('bad uploads', () => {
  it.each(BAD_UPLOADS)('refuses $name with $status $code and stores nothing', async ({ status, code, send }) => {
    // From Shanghai: a report stored by mistake would be in this regulator's listing.
    const viewer = reporterIn('CN-SH');
    const photosBefore = await storedPhotos(service);
    const reportsBefore = await listReports(service, regulator.token);
    const res = await send(viewer);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    expect(await storedPhotos(service)).toEqual(photosBefore);
    expect(await listReports(service, regulator.token)).toEqual(reportsBefore);
  });

  it('does not count refused uploads against the rate limit', async () => {
    const viewer = freshViewer();
    for (let i = 0; i < 6; i++) expect((await postForm(service, reportFields(), [gifPhoto()], viewer)).status).toBe(415);
    for (let i = 0; i < 5; i++) expect((await postJson(service, reportFields(), viewer)).status).toBe(202);
  });
});

describe('rate limit', () => {
  it('answers the sixth report in an hour from one address with 429 and Retry-After; other addresses go on', async () => {
    const viewer = freshViewer();
    for (let i = 0; i < 5; i++) expect((await postJson(service, reportFields(), viewer)).status).toBe(202);
    const refused = await postJson(service, reportFields(), viewer);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 3600).toBe(true);

    const page = await postForm(service, reportFields(), [], { ...viewer, accept: 'text/html' });
    expect(page.status).toBe(429);
    expect(page.headers.get('retry-after')).not.toBeNull();
    expect(await page.text()).toContain('提交次数过多');

    expect((await postJson(service, reportFields(), freshViewer())).status).toBe(202);
  });

  it('limits by address, not by port: a new connection from the same address is the same reporter', async () => {
    const address = freshViewer()['cloudfront-viewer-address'] ?? '';
    const ip = address.slice(0, address.lastIndexOf(':'));
    for (let i = 0; i < 5; i++) {
      expect((await postJson(service, reportFields(), { 'cloudfront-viewer-address': `${ip}:${50000 + i}` })).status).toBe(202);
    }
    expect((await postJson(service, reportFields(), { 'cloudfront-viewer-address': `${ip}:60000` })).status).toBe(429);
  });
});
