import { createHash } from 'node:crypto';
import { freshGtin, freshLicense } from './fixtures';
import type { TestService } from './local-service';

let counter = 0;

export const HELMET_STANDARD = 'GB 2811-2019';

/** A small but complete PDF: header, one empty page, trailer and `%%EOF`. */
export const samplePdf = (marker = 'report'): Buffer =>
  Buffer.from(
    `%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>> endobj\n% ${marker}\ntrailer <</Root 1 0 R>>\n%%EOF\n`,
  );

export const sha256Hex = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Passing GB 2811-2019 results of every mandatory clause. */
export const helmetClauses = () => [
  { clause: 'impact_absorption', result: 'pass', value: 3850, unit: 'N' },
  { clause: 'penetration_resistance', result: 'pass' },
  { clause: 'chin_strap_strength', result: 'pass' },
];

export const accreditation = (overrides: Record<string, unknown> = {}) => ({
  scheme: 'CNAS',
  number: `CNAS L${1000 + counter}`,
  standards: [HELMET_STANDARD, 'GB 2626-2019'],
  validFrom: '2024-01-01',
  validUntil: '2029-12-31',
  ...overrides,
});

export const registerLab = async (
  service: TestService,
  adminToken: string,
  accreditationOverrides: Record<string, unknown> = {},
) => {
  counter += 1;
  const res = await service.call('POST', '/v1/orgs', {
    token: adminToken,
    body: {
      name: `Test lab ${counter}`,
      role: 'lab',
      region: 'CN-GD Guangzhou',
      licenseNumber: freshLicense(),
      accreditation: accreditation(accreditationOverrides),
    },
  });
  if (res.status !== 201) throw new Error(`lab registration failed: ${res.status} ${await res.text()}`);
  const org = (await res.json()) as { id: string };
  return { id: org.id, token: await service.token(org.id, 'lab') };
};

/** A factory in Guangdong with a registered GB 2811-2019 helmet. */
export const helmetFactory = async (service: TestService, adminToken: string) => {
  counter += 1;
  const res = await service.call('POST', '/v1/orgs', {
    token: adminToken,
    body: { name: `Helmet factory ${counter}`, role: 'factory', region: 'CN-GD Shenzhen', licenseNumber: freshLicense() },
  });
  if (res.status !== 201) throw new Error(`factory registration failed: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  const token = await service.token(id, 'factory');
  const gtin = freshGtin();
  const product = await service.call('POST', '/v1/products', {
    token,
    body: {
      gtin,
      name: 'Safety helmet',
      category: 'safety_helmet',
      standard: HELMET_STANDARD,
      laCertificate: { number: `LA-2026-${counter}`, validUntil: '2030-12-31' },
      serviceLifeMonths: 30,
    },
  });
  if (product.status !== 201) throw new Error(`product registration failed: ${product.status} ${await product.text()}`);
  return { id, token, gtin };
};

export const labReportBody = (factory: { id: string; gtin: string }, pdf: Buffer, overrides: Record<string, unknown> = {}) => {
  counter += 1;
  return {
    number: `R2026-${Date.now() % 1e6}-${counter}`,
    product: { gtin: factory.gtin },
    factoryOrgId: factory.id,
    standard: HELMET_STANDARD,
    date: '2026-03-15',
    clauses: helmetClauses(),
    pdfSha256: sha256Hex(pdf),
    ...overrides,
  };
};

/** A multipart/form-data body as a browser or curl -F sends it. */
export const multipart = (
  fields: Record<string, string>,
  file?: { name: string; filename: string; type: string; data: Buffer },
) => {
  const boundary = `----traceseal${Math.random().toString(36).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file !== undefined) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.data,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
};

export interface AttachFields {
  number: string;
  labOrgId: string;
  standard?: string;
  date?: string;
  clauses?: unknown[];
  publicPdf?: 'true' | 'false';
}

/** Attaches a report to `/v1/products/{gtin}` or `/v1/batches/{id}` (the path before `/test-reports`). */
export const attach = async (
  service: TestService,
  token: string,
  subjectPath: string,
  fields: AttachFields,
  pdf: Buffer | undefined,
  pdfType = 'application/pdf',
) => {
  const { body, contentType } = multipart(
    {
      number: fields.number,
      labOrgId: fields.labOrgId,
      standard: fields.standard ?? HELMET_STANDARD,
      date: fields.date ?? '2026-03-15',
      clauses: JSON.stringify(fields.clauses ?? helmetClauses()),
      ...(fields.publicPdf === undefined ? {} : { publicPdf: fields.publicPdf }),
    },
    pdf === undefined ? undefined : { name: 'pdf', filename: 'report.pdf', type: pdfType, data: pdf },
  );
  return fetch(`${service.url}${subjectPath}/test-reports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body,
  });
};

/** A lot of the factory's helmet, issued with a few units. */
export const issueLot = async (service: TestService, factory: { token: string; gtin: string }, lot: string) => {
  const res = await service.call('POST', '/v1/batches', {
    token: factory.token,
    body: { gtin: factory.gtin, lot, productionDate: '2026-11-01', count: 2 },
  });
  if (res.status !== 201) throw new Error(`issuance failed: ${res.status} ${await res.text()}`);
  const issued = (await res.json()) as { batch: { id: string }; codes: string[] };
  return { id: issued.batch.id, codes: issued.codes };
};
