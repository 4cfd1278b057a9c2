import { describe, expect, it } from 'vitest';
import { BadRequestError } from '#kernel/errors';
import { multipartBoundary, parseMultipart } from '#kernel/http/multipart';

/** Bodies built by the platform's own FormData encoder, as a browser would send them. */
const encode = async (form: FormData): Promise<{ body: Buffer; contentType: string }> => {
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return { body: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get('content-type') ?? '' };
};

describe('parseMultipart', () => {
  it('reads text fields and files, binary intact', async () => {
    const form = new FormData();
    form.append('place', '华强北 3F');
    const bytes = Buffer.from([0xff, 0xd8, 0x0d, 0x0a, 0x2d, 0x2d, 0x00, 0xff, 0xd9]);
    form.append('photos', new Blob([bytes], { type: 'image/jpeg' }), 'a.jpg');
    form.append('photos', new Blob([]), '');
    const { body, contentType } = await encode(form);
    const boundary = multipartBoundary(contentType);
    expect(boundary).toBeDefined();
    const parts = parseMultipart(body, boundary ?? '');
    expect(parts.map((p) => p.name)).toEqual(['place', 'photos', 'photos']);
    expect(parts[0]?.data.toString('utf8')).toBe('华强北 3F');
    expect(parts[1]?.filename).toBe('a.jpg');
    expect(parts[1]?.data.equals(bytes)).toBe(true);
    expect(parts[2]?.data.length).toBe(0);
  });

  it('refuses bodies it cannot read exactly', () => {
    const boundary = 'B';
    const cases = [
      'no boundary at all',
      '--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue',
      '--B\r\nContent-Type: text/plain\r\n\r\nvalue\r\n--B--',
      '--B\r\nContent-Disposition: attachment; name="a"\r\n\r\nvalue\r\n--B--',
      '--BX\r\n',
    ];
    for (const body of cases) expect(() => parseMultipart(Buffer.from(body), boundary), body).toThrow(BadRequestError);
  });

  it('refuses more than 20 parts', () => {
    const body = `${'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n'.repeat(21)}--B--`;
    expect(() => parseMultipart(Buffer.from(body), 'B')).toThrow(/more than 20 parts/);
  });

  it('reads the boundary only of multipart/form-data', () => {
    expect(multipartBoundary('multipart/form-data; boundary="abc def"')).toBe('abc def');
    expect(multipartBoundary('multipart/mixed; boundary=abc')).toBeUndefined();
    expect(multipartBoundary('application/json')).toBeUndefined();
  });
});
