/**
 * Test reports as labs register them and as factories attach them. What a lab registers is
 * signed (a compact JWS over the canonical JSON of LabReportClaims), and comparisons read
 * the signed claims, so an edited stored copy can never vouch for anything.
 */
import type { ClauseResult } from './test-report-clauses';

/** What a report is about: a registered GTIN, or for a product not registered here, its description. */
export type ReportProduct = { gtin: string } | { description: string };

/** The claims a lab signs: everything a factory's copy is later held to. */
export interface LabReportClaims {
  labOrgId: string;
  number: string;
  product: ReportProduct;
  factoryOrgId: string;
  standard: string;
  /** The report's issue date (YYYY-MM-DD). */
  date: string;
  clauses: ClauseResult[];
  /** Hex SHA-256 of the report's PDF as the lab issued it. */
  pdfSha256: string;
  registeredAt: string;
}

/** What a lab submits to register a report: the service adds the lab (the caller) and the time. */
export type RegisterLabReportInput = Omit<LabReportClaims, 'labOrgId' | 'registeredAt'>;

export interface LabReportRegistration extends LabReportClaims {
  /** The lab key's id, as published in the JWKS (`lab-<orgId>-<suffix>`). */
  kid: string;
  /** The compact JWS over canonicalJson(claims). */
  jws: string;
}

export const claimsOf = (registration: LabReportRegistration): LabReportClaims => {
  const { kid: _kid, jws: _jws, ...claims } = registration;
  return claims;
};
