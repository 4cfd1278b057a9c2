/**
 * The registry's records: organizations (with a lab's accreditation) and the products they
 * register, as stored and as other capabilities read them, and what a registration supplies.
 */
import type { Role } from '#kernel/roles';

/**
 * A name in the languages of the verify page, when its owner gave them: the page shows the
 * one of its language and falls back to `name`.
 */
export interface LocalizedNames {
  zh?: string;
  en?: string;
}

export interface Organization {
  id: string;
  name: string;
  names?: LocalizedNames;
  role: Role;
  region: string;
  licenseNumber: string;
  /** The GS1 company prefix its SSCCs are built from; without one, a range of TraceSeal's. */
  gs1CompanyPrefix?: string;
  /** Opt-in: public scans name it; otherwise they show only its role and city (commercial discretion). */
  showNameOnScans?: boolean;
  /** A phone number or address for buyers and users (public: scans show a factory's, with a recall). */
  serviceContact?: string;
  /** Testing laboratories only: what they are accredited to test, and until when. */
  accreditation?: LabAccreditation;
  createdAt: string;
}

export const ACCREDITATION_SCHEMES = ['CNAS', 'CMA'] as const;

export interface LabAccreditation {
  scheme: (typeof ACCREDITATION_SCHEMES)[number];
  number: string;
  /** The standards in its scope, as products name them ("GB 2811-2019"). */
  standards: string[];
  validFrom: string;
  validUntil: string;
}

export interface LaCertificate {
  number: string;
  validUntil: string;
}

export const PRODUCT_CATEGORIES = [
  'safety_helmet',
  'respirator',
  'gloves',
  'fall_arrest_harness',
  'eye_protection',
  'hearing_protection',
  'protective_clothing',
  'safety_footwear',
  'other',
] as const;
export type ProductCategory = (typeof PRODUCT_CATEGORIES)[number];

export interface Product {
  gtin: string;
  ownerOrgId: string;
  name: string;
  names?: LocalizedNames;
  category: ProductCategory;
  standard: string;
  laCertificate: LaCertificate;
  serviceLifeMonths: number;
  createdAt: string;
  /** When its owner last edited it (names, LA certificate, service life). */
  updatedAt?: string;
}

/**
 * What its owner may change after registration: its names, LA certificate and service life.
 * The GTIN, category and standard stay: codes, lots and test reports were issued under them.
 */
export type ProductChanges = Partial<Pick<Product, 'name' | 'names' | 'laCertificate' | 'serviceLifeMonths'>>;

/** Who changed a product: the organization, and the person or API client that acted for it. */
export interface ProductEditor {
  orgId: string;
  actor: { kind: 'person'; userId: string; name: string } | { kind: 'client'; clientId: string };
}

/** What registering an organization supplies: the registry adds its id and creation time. */
export type RegisterOrganizationInput = Omit<Organization, 'id' | 'createdAt'>;

/** What registering a product supplies: its owner is the caller, and the registry adds the time. */
export type RegisterProductInput = Omit<Product, 'ownerOrgId' | 'createdAt' | 'updatedAt'>;
