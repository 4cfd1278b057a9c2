import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { Role } from '#kernel/roles';
import { freshLicense } from './fixtures';
import type { TestService } from './local-service';

/** A real 2×2 PNG. */
export const pngPhoto = (): Buffer => {
  const png = new PNG({ width: 2, height: 2 });
  png.data.fill(200);
  return PNG.sync.write(png);
};

/** A JPEG's frame: start marker, a JFIF header, padding to `size` bytes, end marker. */
export const jpegPhoto = (size = 64): Buffer => {
  const bytes = Buffer.alloc(size, 0x11);
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]).copy(bytes, 0);
  bytes[size - 2] = 0xff;
  bytes[size - 1] = 0xd9;
  return bytes;
};

export const gifPhoto = (): Buffer => Buffer.from('GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00;', 'latin1');

let viewers = 0;
/**
 * A distinct viewer per call, as CloudFront would name it: each test gets its own rate-limit
 * budget. Its address (198.51.x.x, which ip2region places in the United States) ties a report
 * to no province; reporter-addresses.ts has reporters in provinces.
 */
export const freshViewer = (): Record<string, string> => {
  viewers += 1;
  return { 'cloudfront-viewer-address': `198.51.${Math.floor(viewers / 250)}.${(viewers % 250) + 1}:${40000 + viewers}` };
};

export const reportFields = (overrides: Record<string, unknown> = {}) => ({
  place: 'Huaqiangbei market, stall 3F-21',
  city: 'Shenzhen',
  description: 'Helmet shell is thin and the label print is blurred.',
  ...overrides,
});

/** Posts the page's no-JavaScript form: multipart/form-data with the form's field names. */
export const postForm = (
  service: TestService,
  fields: Record<string, string>,
  photos: Buffer[],
  headers: Record<string, string> = {},
): Promise<Response> => {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  photos.forEach((photo, i) => {
    form.append('photos', new Blob([photo], { type: 'image/jpeg' }), `photo-${i}.jpg`);
  });
  return fetch(`${service.url}/v1/reports`, { method: 'POST', body: form, headers });
};

export const postJson = (service: TestService, body: unknown, headers: Record<string, string> = {}) =>
  service.call('POST', '/v1/reports', { body, headers });

/** Every file stored under the local report photo directory. */
export const storedPhotos = async (service: TestService): Promise<string[]> => {
  const root = join(service.runtime.dataDir, 'reports');
  try {
    return (await readdir(root, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
};

/** Registers an organization in a given region (the shared fixture always uses CN-ZJ). */
export const registerOrgIn = async (service: TestService, adminToken: string, role: Role, region: string) => {
  const res = await service.call('POST', '/v1/orgs', {
    token: adminToken,
    body: { name: `Report test ${role}`, role, region, licenseNumber: freshLicense() },
  });
  if (res.status !== 201) throw new Error(`org registration failed: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  return { id, token: await service.token(id, role) };
};

export interface ListedReport {
  reference: string;
  contact?: string;
  region: string;
  factoryOrgId?: string;
  code?: { kind: string };
  photos: { key: string; contentType: string; bytes: number }[];
}

export const listReports = async (service: TestService, token: string, query = ''): Promise<ListedReport[]> => {
  const res = await service.call('GET', `/v1/reports${query}`, { token });
  if (res.status !== 200) throw new Error(`listing failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { reports: ListedReport[] }).reports;
};
