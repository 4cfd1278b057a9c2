export const ROLES = ['factory', 'distributor', 'regulator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Organization {
  id: string;
  name: string;
  role: Role;
  region: string;
  licenseNumber: string;
  /** The GS1 company prefix its SSCCs are built from; without one, a range of TraceSeal's. */
  gs1CompanyPrefix?: string;
  /** Opt-in: public scans name it; otherwise they show only its role and city (commercial discretion). */
  showNameOnScans?: boolean;
  createdAt: string;
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
  category: ProductCategory;
  standard: string;
  laCertificate: LaCertificate;
  serviceLifeMonths: number;
  createdAt: string;
}

export type BatchStatus = 'issuing' | 'issued';

export interface Batch {
  id: string;
  gtin: string;
  lot: string;
  ownerOrgId: string;
  productionDate: string;
  count: number;
  /** First unit sequence number; the batch owns [firstSequence, firstSequence + count). */
  firstSequence: number;
  testReportRef?: string;
  status: BatchStatus;
  createdAt: string;
  recalledAt?: string;
  recallReason?: string;
}

/** One issued code, as stored and as listed: the serial and its AI 8030 value. */
export interface IssuedCode {
  sequence: number;
  serial: string;
  digsig: string;
}
