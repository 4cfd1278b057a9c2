import { createHandler } from '#kernel/http/create-handler';
import { type HttpResponse, json } from '#kernel/http/responses';
import { createRouter } from '#kernel/http/router';
import { ROUTES } from '#shared/app/routes';
import {
  attachReport,
  compareReportsFor,
  getAttachmentFor,
  productCertifications,
  publicTestReportPdf,
  readAttachRequest,
  testReportPdfFor,
} from '#test-reports';

/** A PDF as Lambda returns binary: base64, sandboxed so a crafted PDF can run nothing on our origin. */
const pdfResponse = (pdf: Buffer, cacheControl: string): HttpResponse => ({
  statusCode: 200,
  headers: {
    'content-type': 'application/pdf',
    'cache-control': cacheControl,
    'content-disposition': 'inline; filename="test-report.pdf"',
    'content-security-policy': 'sandbox',
    'x-content-type-options': 'nosniff',
  },
  body: pdf.toString('base64'),
  isBase64Encoded: true,
});

/** Factories attach reports to products and lots; owners, cited labs and regulators read and compare them. */
export const handler = createRouter([
  [
    ROUTES.attachProductTestReport,
    createHandler(ROUTES.attachProductTestReport, async ({ principal, params, event }) => {
      const { fields, pdf } = readAttachRequest(event);
      return json(201, await attachReport(principal, { kind: 'product', gtin: params.gtin }, fields, pdf));
    }),
  ],
  [
    ROUTES.attachBatchTestReport,
    createHandler(ROUTES.attachBatchTestReport, async ({ principal, params, event }) => {
      const { fields, pdf } = readAttachRequest(event);
      return json(201, await attachReport(principal, { kind: 'batch', batchId: params.id }, fields, pdf));
    }),
  ],
  [
    ROUTES.getProductTestReport,
    createHandler(ROUTES.getProductTestReport, async ({ principal, params }) =>
      json(200, await getAttachmentFor(principal, { kind: 'product', gtin: params.gtin })),
    ),
  ],
  [
    ROUTES.getBatchTestReport,
    createHandler(ROUTES.getBatchTestReport, async ({ principal, params }) =>
      json(200, await getAttachmentFor(principal, { kind: 'batch', batchId: params.id })),
    ),
  ],
  [
    ROUTES.compareTestReports,
    createHandler(ROUTES.compareTestReports, async ({ principal, query }) =>
      json(200, await compareReportsFor(principal, query.a, query.b)),
    ),
  ],
  [
    ROUTES.getProductTestReportPdf,
    createHandler(ROUTES.getProductTestReportPdf, async ({ principal, params }) =>
      pdfResponse(await testReportPdfFor(principal, { kind: 'product', gtin: params.gtin }), 'private, no-store'),
    ),
  ],
  [
    ROUTES.getBatchTestReportPdf,
    createHandler(ROUTES.getBatchTestReportPdf, async ({ principal, params }) =>
      pdfResponse(await testReportPdfFor(principal, { kind: 'batch', batchId: params.id }), 'private, no-store'),
    ),
  ],
  [
    ROUTES.getProductCertifications,
    createHandler(ROUTES.getProductCertifications, async ({ params }) =>
      json(200, await productCertifications(params.gtin), { cacheControl: 'public, max-age=60' }),
    ),
  ],
  [
    ROUTES.getPublicTestReportPdf,
    createHandler(ROUTES.getPublicTestReportPdf, async ({ params }) =>
      pdfResponse(await publicTestReportPdf(params.gtin), 'public, max-age=300'),
    ),
  ],
]);
