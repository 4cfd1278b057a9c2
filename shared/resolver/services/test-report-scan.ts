import { createTtlCache } from '#kernel/ttl-cache';
import type { Product } from '#registry/contract';
import { getAttachment, getScanAttachments, type TestReportSummary, testReportSummary } from '#test-reports';
import type { AttachedReport } from '#test-reports/contract';
import type { LinkTarget } from '../domain/linkset';

/** Kept a minute per container, like products: the CDN keeps a verdict that long anyway. */
const summaries = createTtlCache<TestReportSummary>(60_000);

/** The test-report part of a scan: one read (two items, one round trip) per lot and minute. */
export const testReportForScan = (product: Pick<Product, 'gtin' | 'standard'>, lot: string): Promise<TestReportSummary> =>
  summaries.get(`${product.gtin}/${lot}`, async () =>
    testReportSummary(product.standard, await getScanAttachments(product.gtin, lot)),
  );

const productReports = createTtlCache<AttachedReport | undefined>(60_000);

/**
 * The product's `gs1:certificationInfo` links of ours: its LA certificate and its type-test
 * report (the PDF itself where the factory made it public, else the authorized route).
 */
export const certificationLinksFor = async (
  baseUrl: string,
  product: Pick<Product, 'gtin' | 'laCertificate'>,
): Promise<LinkTarget[]> => {
  const base = `${baseUrl.replace(/\/+$/, '')}/v1/products/${product.gtin}`;
  const la = product.laCertificate;
  const links: LinkTarget[] = [
    {
      href: `${base}/certifications`,
      title: `LA certificate ${la.number}, valid until ${la.validUntil}`,
      type: 'application/json',
    },
  ];
  const report = await productReports.get(product.gtin, () => getAttachment({ kind: 'product', gtin: product.gtin }));
  if (report !== undefined) {
    links.push({
      href: report.publicPdf ? `${base}/certifications/test-report.pdf` : `${base}/test-reports/pdf`,
      title: `Type test report ${report.number} (${report.standard}, ${report.date}): ${report.verdict}`,
      type: 'application/pdf',
    });
  }
  return links;
};

/** Tests and the local runtime: forget what was cached. */
export const forgetTestReportSummaries = (): void => {
  summaries.clear();
  productReports.clear();
};
