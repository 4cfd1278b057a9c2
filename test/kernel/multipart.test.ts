import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { BadRequestError, PayloadTooLargeError, ValidationError } from '#kernel/errors';
import { type FormInputs, multipartBoundary, parseMultipart, readForm } from '#kernel/http/multipart';
import { requestBodyBytes } from '#kernel/http/request-body';

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

describe('readForm', () => {
  const inputs: FormInputs = {
    invalid: 'Invalid thing',
    fields: new Set(['place', 'note']),
    files: { photos: { max: 2, tooMany: () => new BadRequestError('TOO_MANY', 'too many') }, pdf: { max: 1 }, scans: { max: 2 } },
  };
  const read = async (fill: (form: FormData) => void) => {
    const form = new FormData();
    fill(form);
    const { body, contentType } = await encode(form);
    return readForm(body, multipartBoundary(contentType) ?? '', inputs);
  };
  const refusal = async (fill: (form: FormData) => void): Promise<unknown> =>
    read(fill).then(
      () => undefined,
      (error) => error,
    );

  it('hands over each text input once and each file input its files, an empty one none', async () => {
    const form = await read((form) => {
      form.append('place', 'Hefei');
      form.append('photos', new Blob([Buffer.from('one')]), 'a.jpg');
      form.append('photos', new Blob([]), '');
      form.append('photos', new Blob([Buffer.from('two')]), 'b.jpg');
      form.append('pdf', new Blob([]), '');
    });
    expect(form.values).toEqual({ place: 'Hefei' });
    expect(form.files.photos?.map((file) => file.toString('utf8'))).toEqual(['one', 'two']);
    expect(form.files.pdf).toEqual([]);
  });

  it('refuses a text input twice, a name the form lacks, and a file for a text input', async () => {
    const cases: [string, (form: FormData) => void, string][] = [
      [
        'twice',
        (form) => {
          form.append('note', 'a');
          form.append('note', 'b');
        },
        'Given more than once',
      ],
      ['unknown', (form) => form.append('website2', 'x'), 'Unrecognized field'],
      ['prototype', (form) => form.append('__proto__', 'x'), 'Unrecognized field'],
      ['file as text', (form) => form.append('note', new Blob([Buffer.from('x')]), 'n.txt'), 'Unrecognized field'],
    ];
    for (const [name, fill, message] of cases) {
      const error = await refusal(fill);
      expect(error, name).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).message, name).toBe('Invalid thing');
      expect((error as ValidationError).details, name).toEqual([{ path: expect.any(String), message }]);
    }
  });

  it("refuses one file too many with the input's own refusal, else as a validation error on the input", async () => {
    const photos = await refusal((form) => {
      for (const name of ['a', 'b', 'c']) form.append('photos', new Blob([Buffer.from(name)]), `${name}.jpg`);
    });
    expect(photos).toMatchObject({ code: 'TOO_MANY' });
    const pdfs = await refusal((form) => {
      for (const name of ['a', 'b']) form.append('pdf', new Blob([Buffer.from(name)]), `${name}.pdf`);
    });
    expect(pdfs).toBeInstanceOf(ValidationError);
    expect((pdfs as ValidationError).details).toEqual([{ path: 'pdf', message: 'Given more than once' }]);
    const scans = await refusal((form) => {
      for (const name of ['a', 'b', 'c']) form.append('scans', new Blob([Buffer.from(name)]), `${name}.png`);
    });
    expect((scans as ValidationError).details).toEqual([{ path: 'scans', message: 'At most 2 files' }]);
  });
});

describe('requestBodyBytes', () => {
  const event = (body: string | undefined, isBase64Encoded: boolean) =>
    ({ body, isBase64Encoded, headers: {} }) as unknown as APIGatewayProxyEventV2;

  it('decodes a base64 body and counts its decoded bytes against the limit', () => {
    const bytes = Buffer.from([0xff, 0x00, 0x01, 0x02]);
    expect(requestBodyBytes(event(bytes.toString('base64'), true), 4).equals(bytes)).toBe(true);
    expect(() => requestBodyBytes(event(bytes.toString('base64'), true), 3)).toThrow(PayloadTooLargeError);
    expect(requestBodyBytes(event('héllo', false), 6).toString('utf8')).toBe('héllo');
  });

  it('refuses a missing or empty body', () => {
    for (const body of [undefined, '']) expect(() => requestBodyBytes(event(body, false), 10)).toThrow(/body is required/);
  });
});
