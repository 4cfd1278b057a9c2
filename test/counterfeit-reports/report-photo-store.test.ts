import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contentDisposition } from '#kernel/http/header-values';
import {
  localPhotoLinkSignature,
  localReportPhoto,
  putReportPhoto,
  reportPhotoKey,
  reportPhotoLink,
} from '#shared/counterfeit-reports/store/report-photo-store';
import { localLinkSignature } from '#shared/issuance/store/label-file-store';

/**
 * The photo store apart from the report route: in AWS (S3 mocked) what is put and how a
 * photo is linked; locally, that a stored photo is never overwritten and that the gateway
 * serves only photo keys inside the directory; and the configuration it refuses to guess.
 */
const s3 = mockClient(S3Client);
const ENV = ['REPORT_BUCKET_NAME', 'REPORT_PHOTO_DIR', 'LABEL_LINK_BASE', 'LABEL_LINK_SECRET'] as const;
const photo = { key: 'RPT-1/photo-1.png', contentType: 'image/png' as const, bytes: 4 };

beforeEach(() => s3.reset());
afterEach(() => {
  for (const name of ENV) delete process.env[name];
});
afterAll(() => s3.restore());

describe('report photos in S3', () => {
  it('puts the bytes under the reference with the type they were checked to be', async () => {
    process.env.REPORT_BUCKET_NAME = 'reports';
    s3.on(PutObjectCommand).resolves({});
    const bytes = new Uint8Array([1, 2, 3, 4]);
    await putReportPhoto(reportPhotoKey('RPT-1', 0, 'image/png'), bytes, 'image/png');
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'reports',
      Key: 'RPT-1/photo-1.png',
      Body: bytes,
      ContentType: 'image/png',
    });
  });

  it('links to a presigned GET answered inline with the checked type, whatever the object says', async () => {
    process.env.REPORT_BUCKET_NAME = 'reports';
    const url = new URL(await reportPhotoLink(photo, 'photo 1.png', 300));
    expect(url.pathname).toContain('RPT-1/photo-1.png');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('response-content-type')).toBe('image/png');
    expect(url.searchParams.get('response-content-disposition')).toBe(contentDisposition('inline', 'photo 1.png'));
  });
});

describe('report photos in a local directory', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'report-photos-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('writes a photo once and refuses to overwrite it', async () => {
    process.env.REPORT_PHOTO_DIR = dir;
    await putReportPhoto(photo.key, new Uint8Array([1]), 'image/png');
    await expect(putReportPhoto(photo.key, new Uint8Array([2]), 'image/png')).rejects.toMatchObject({ code: 'EEXIST' });
    expect([...(await readFile(join(dir, photo.key)))]).toEqual([1]);
  });

  it('serves a photo key with its type, and nothing outside the directory or of another type', () => {
    process.env.REPORT_PHOTO_DIR = dir;
    expect(localReportPhoto('RPT-1/photo-2.webp')).toEqual({ path: join(dir, 'RPT-1/photo-2.webp'), contentType: 'image/webp' });
    expect(localReportPhoto('../elsewhere/photo-1.jpg')).toBeUndefined();
    expect(localReportPhoto('RPT-1/labels.csv')).toBeUndefined();
    delete process.env.REPORT_PHOTO_DIR;
    expect(localReportPhoto('RPT-1/photo-1.png')).toBeUndefined();
  });

  it('signs a local link under the photo prefix, so a label link’s signature never opens it', async () => {
    process.env.LABEL_LINK_BASE = 'http://localhost:3000';
    process.env.LABEL_LINK_SECRET = 'secret';
    const url = new URL(await reportPhotoLink(photo, 'photo-1.png', 60));
    expect(url.pathname).toBe('/local-report-photos/RPT-1/photo-1.png');
    const expires = Number(url.searchParams.get('expires'));
    const sig = url.searchParams.get('sig');
    expect(sig).toBe(localPhotoLinkSignature('secret', photo.key, expires));
    expect(sig).not.toBe(localLinkSignature('secret', photo.key, expires));
  });
});

describe('report photo store configuration', () => {
  it('refuses to store a photo when neither a bucket nor a directory is configured', async () => {
    await expect(putReportPhoto(photo.key, new Uint8Array([1]), 'image/png')).rejects.toMatchObject({
      statusCode: 500,
      code: 'CONFIGURATION_ERROR',
    });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('refuses to link locally without both a base and a secret', async () => {
    process.env.LABEL_LINK_BASE = 'http://localhost:3000';
    await expect(reportPhotoLink(photo, 'p.png', 60)).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
    delete process.env.LABEL_LINK_BASE;
    process.env.LABEL_LINK_SECRET = 'secret';
    await expect(reportPhotoLink(photo, 'p.png', 60)).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
  });
});
