import { describe, expect, it } from 'vitest';
import type { LabAccreditation } from '#registry/contract';
import {
  type AttachedClaims,
  compareReports,
  compareWithRegistration,
  verdictOf,
} from '#shared/test-reports/domain/test-report-compare';
import type { LabReportClaims } from '#shared/test-reports/domain/test-reports';

const accreditation: LabAccreditation = {
  scheme: 'CNAS',
  number: 'CNAS L1234',
  standards: ['GB 2811-2019'],
  validFrom: '2024-01-01',
  validUntil: '2029-12-31',
};
const clauses = [
  { clause: 'impact_absorption', result: 'pass' as const, value: 3850, unit: 'N' },
  { clause: 'penetration_resistance', result: 'pass' as const },
  { clause: 'chin_strap_strength', result: 'pass' as const },
];
const registered: LabReportClaims = {
  labOrgId: 'lab-1',
  number: 'R1',
  product: { gtin: '06952012345683' },
  factoryOrgId: 'factory-1',
  standard: 'GB 2811-2019',
  date: '2026-03-15',
  clauses,
  pdfSha256: 'a'.repeat(64),
  registeredAt: '2026-03-16T00:00:00.000Z',
};
const attached: AttachedClaims = {
  number: 'R1',
  labOrgId: 'lab-1',
  factoryOrgId: 'factory-1',
  gtin: '06952012345683',
  standard: 'GB 2811-2019',
  date: '2026-03-15',
  clauses,
  pdfSha256: 'a'.repeat(64),
};
const side = () => ({ accreditation, registration: { claims: registered } });

describe('an attached copy against the lab registration', () => {
  it('finds nothing in a faithful copy: verified', () => {
    expect(compareWithRegistration(attached, side())).toEqual([]);
    expect(verdictOf([])).toBe('verified');
  });

  it('names each difference', () => {
    const forged: AttachedClaims = {
      ...attached,
      factoryOrgId: 'factory-2',
      gtin: '06952012345690',
      date: '2026-03-16',
      clauses: [{ ...clauses[0], value: 3000 } as (typeof clauses)[number], clauses[1] as (typeof clauses)[number]],
      pdfSha256: 'b'.repeat(64),
    };
    expect(compareWithRegistration(forged, side()).map((d) => d.kind)).toEqual([
      'other_factory',
      'other_product',
      'date_mismatch',
      'clause_altered',
      'clause_missing',
      'pdf_altered',
    ]);
  });

  it('tells a missing registration (unverified) from a broken signature or a lab outside its scope (mismatched)', () => {
    const missing = compareWithRegistration(attached, { accreditation, registration: undefined });
    expect(missing).toEqual([{ kind: 'missing_at_lab', number: 'R1' }]);
    expect(verdictOf(missing)).toBe('unverified');
    expect(compareWithRegistration(attached, { accreditation, registration: { claims: undefined } }).map((d) => d.kind)).toEqual([
      'signature_invalid',
    ]);
    const outOfScope = compareWithRegistration(
      { ...attached, standard: 'GB 2626-2019', date: '2030-01-02' },
      { accreditation, registration: undefined },
    );
    expect(outOfScope.map((d) => d.kind)).toEqual(['missing_at_lab', 'not_accredited_for_standard', 'accreditation_expired']);
    expect(verdictOf(outOfScope)).toBe('mismatched');
    expect(compareWithRegistration(attached, undefined)).toEqual([{ kind: 'lab_unknown', labOrgId: 'lab-1' }]);
  });
});

describe('two reports clause by clause', () => {
  it('calls differences within tolerance the same, and beyond it better or worse by the clause direction', () => {
    const a = [
      { clause: 'impact_absorption', result: 'pass' as const, value: 3850 },
      { clause: 'flame_resistance', result: 'pass' as const, value: 4 },
      { clause: 'penetration_resistance', result: 'pass' as const },
    ];
    const b = [
      { clause: 'impact_absorption', result: 'pass' as const, value: 3950 },
      { clause: 'flame_resistance', result: 'pass' as const, value: 2.5 },
      { clause: 'penetration_resistance', result: 'fail' as const },
      { clause: 'side_stiffness', result: 'pass' as const, value: 30 },
    ];
    expect(compareReports('GB 2811-2019', a, b).map((c) => [c.clause, c.trend])).toEqual([
      ['impact_absorption', 'same'],
      ['flame_resistance', 'better'],
      ['penetration_resistance', 'worse'],
      ['side_stiffness', 'only_in_b'],
    ]);
    const kn95 = compareReports(
      'GB 2626-2019',
      [{ clause: 'filtration_efficiency_KN95', result: 'pass', value: 97 }],
      [{ clause: 'filtration_efficiency_KN95', result: 'pass', value: 96.2 }],
    );
    expect(kn95[0]).toMatchObject({ trend: 'worse', delta: -0.8, tolerance: 0.5 });
  });
});
