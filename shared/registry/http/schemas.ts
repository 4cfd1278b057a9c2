import { z } from 'zod';
import { Gtin14, isoDate, Role, text } from '#kernel/http/common-schemas';
import { regionProblem } from '#kernel/places/region-code';
import { MAX_DIRECTORY_PAGE, MIN_QUERY_LENGTH } from '../domain/partner-directory';
import { ACCREDITATION_SCHEMES, type LocalizedNames as LocalizedNamesShape, PRODUCT_CATEGORIES } from '../domain/registry';

export const LabAccreditation = z
  .strictObject({
    scheme: z.enum(ACCREDITATION_SCHEMES).describe('CNAS (ISO/IEC 17025 accreditation) or CMA (inspection body qualification)'),
    number: text(64).describe('Accreditation number, e.g. CNAS L1234'),
    standards: z.array(text(64)).min(1).max(200).describe('Standards in its scope, as products name them: "GB 2811-2019"'),
    validFrom: isoDate,
    validUntil: isoDate,
  })
  .meta({ id: 'LabAccreditation' });

/** Names in the verify page's languages; the page shows its language's, else `name`. */
export const LocalizedNames = z
  .strictObject({ zh: text(200).optional().describe('Chinese name'), en: text(200).optional().describe('English name') })
  .meta({ id: 'LocalizedNames' });
/** The domain's type under the schema's name, so that the contract hands out both as one. */
export type LocalizedNames = LocalizedNamesShape;

export const CreateOrganizationBody = z.strictObject({
  name: text(200),
  names: LocalizedNames.optional().describe(
    'Optional: the name in Chinese and in English, shown on the verify page in its language (where the name is shown)',
  ),
  role: Role,
  region: text(100)
    .superRefine((value, context) => {
      const problem = regionProblem(value);
      if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
    })
    .describe(
      'ISO 3166-2 code of the province ("CN-GD") or, nationwide, the country ("CN"), then optionally a space and the city: "CN-GD Shenzhen". Shown to the public at city level',
    ),
  licenseNumber: z
    .string()
    .regex(/^[A-Za-z0-9-]{5,40}$/, 'must be 5 to 40 letters, digits or dashes')
    .describe('Business licence number (e.g. the 18-character unified social credit code)'),
  gs1CompanyPrefix: z
    .string()
    .regex(/^\d{6,12}$/, 'must be 6 to 12 digits')
    .optional()
    .describe(
      "Factories and distributors: the GS1 Company Prefix its SSCCs are built from (unique; 10^(16 - length) references per container kind). Without one, its SSCCs come from a range of TraceSeal's prefix",
    ),
  showNameOnScans: z
    .boolean()
    .optional()
    .describe(
      'Opt-in: name this organization in public scan answers (a retailer usually will). Default: public answers show only its role and city; participants and regulators see names through the authenticated routes',
    ),
  serviceContact: text(100)
    .optional()
    .describe(
      "Optional, public: a phone number or address for buyers and users. A factory's is shown on scans of its recalled products, as whom to ask",
    ),
  accreditation: LabAccreditation.optional().describe('Labs (and only labs): their accreditation; required for a lab'),
});

export const Organization = CreateOrganizationBody.extend({ id: z.uuid(), createdAt: z.iso.datetime() }).meta({
  id: 'Organization',
});

export const RegisteredOrganization = Organization.extend({
  credentials: z
    .object({ clientId: z.string(), clientSecret: z.string(), tokenUrl: z.url() })
    .optional()
    .describe('In AWS, and in this response only: the OAuth client-credentials app client of the new organization'),
}).meta({ id: 'RegisteredOrganization' });

export const OrgIdParams = z.strictObject({ id: z.uuid() });

export const CreateProductBody = z.strictObject({
  gtin: Gtin14,
  name: text(200),
  names: LocalizedNames.optional().describe(
    'Optional: the name in Chinese and in English, shown on the verify page in its language',
  ),
  category: z.enum(PRODUCT_CATEGORIES),
  standard: text(64).describe('Product standard, e.g. "GB 2811-2019"'),
  laCertificate: z.strictObject({
    number: text(64).describe('LA (labour safety) certificate number'),
    validUntil: isoDate,
  }),
  serviceLifeMonths: z.number().int().min(1).max(600),
});

export const Product = CreateProductBody.extend({
  ownerOrgId: z.uuid(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime().optional().describe('When its factory last edited it'),
}).meta({
  id: 'Product',
});

export const ProductParams = z.strictObject({ gtin: Gtin14 });

/**
 * What a factory may change of its product, checked as at registration; what is left out
 * stays. The GTIN, category and standard are not here: codes, lots and test reports were
 * issued under them, so a strict object refuses them.
 */
export const UpdateProductBody = CreateProductBody.pick({ name: true, names: true, laCertificate: true, serviceLifeMonths: true })
  .partial()
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: 'give at least one of name, names, laCertificate, serviceLifeMonths',
  })
  .meta({ id: 'UpdateProductBody' });

export const ProductWithLots = Product.extend({
  lotCount: z.number().int().min(0).describe('Lots issued of it'),
}).meta({ id: 'ProductWithLots' });

export const ProductListQuery = z.strictObject({
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const ProductList = z
  .object({ products: z.array(ProductWithLots), cursor: z.string().optional() })
  .meta({ id: 'ProductList' });

export const PartnerQuery = z.strictObject({
  q: z
    .string()
    .trim()
    .min(MIN_QUERY_LENGTH)
    .max(100)
    .describe(
      `The start of a name, or of a word in it after the first (case, width and spacing ignored); at least ${MIN_QUERY_LENGTH} characters`,
    ),
  limit: z.coerce.number().int().min(1).max(MAX_DIRECTORY_PAGE).default(10),
});

export const PartnerList = z
  .object({
    items: z.array(
      z.object({
        id: z.uuid().describe("What POST /v1/events takes as a shipment's destination"),
        name: z.string(),
        role: z.enum(['factory', 'distributor']),
        region: z.string().describe('Province and city, as the organization registered it'),
      }),
    ),
    more: z.boolean().describe('More organizations match: type more of the name'),
  })
  .meta({ id: 'PartnerList' });
