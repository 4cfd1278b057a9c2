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

describe('an attached copy against the lab registration, the rarer differences', () => {
  it('names a copy under another lab, another standard, with a clause the lab never signed or in another unit', () => {
    const altered: AttachedClaims = {
      ...attached,
      labOrgId: 'lab-2',
      standard: 'GB 2626-2019',
      clauses: [
        { ...clauses[0], unit: 'kN' } as (typeof clauses)[number],
        clauses[1],
        clauses[2],
        { clause: 'side_stiffness', result: 'pass', value: 30 },
      ] as AttachedClaims['clauses'],
    };
    expect(compareWithRegistration(altered, side())).toEqual([
      { kind: 'not_accredited_for_standard', standard: 'GB 2626-2019' },
      { kind: 'lab_mismatch', attached: 'lab-2', registered: 'lab-1' },
      { kind: 'standard_mismatch', attached: 'GB 2626-2019', registered: 'GB 2811-2019' },
      { kind: 'clause_altered', clause: 'impact_absorption', attached: altered.clauses[0], registered: clauses[0] },
      { kind: 'clause_added', clause: 'side_stiffness', attached: altered.clauses[3] },
    ]);
  });

  it('names the product a lab registered by description only, since no GTIN can match it', () => {
    const byDescription = { ...registered, product: { description: 'Helmet model H-1' } };
    expect(compareWithRegistration(attached, { accreditation, registration: { claims: byDescription } })).toEqual([
      { kind: 'other_product', registered: 'Helmet model H-1' },
    ]);
  });

  it('holds an organization that is no accredited lab accredited for nothing, with no validity to expire', () => {
    expect(compareWithRegistration(attached, { accreditation: undefined, registration: { claims: registered } })).toEqual([
      { kind: 'not_accredited_for_standard', standard: 'GB 2811-2019' },
    ]);
  });

  it('counts an accreditation valid on its first and last days', () => {
    const window = { ...accreditation, validFrom: '2026-03-15', validUntil: '2026-03-15' };
    expect(compareWithRegistration(attached, { accreditation: window, registration: { claims: registered } })).toEqual([]);
  });
});

describe('two reports clause by clause, the other trends', () => {
  it('a fail turning into a pass is better; a clause only in a is named; pass/fail clauses that agree are the same', () => {
    const comparison = compareReports(
      'GB 2811-2019',
      [
        { clause: 'impact_absorption', result: 'fail', value: 5000 },
        { clause: 'penetration_resistance', result: 'pass' },
        { clause: 'chin_strap_strength', result: 'pass' },
      ],
      [
        { clause: 'impact_absorption', result: 'pass', value: 3900 },
        { clause: 'penetration_resistance', result: 'pass' },
      ],
    );
    expect(comparison).toEqual([
      {
        clause: 'impact_absorption',
        trend: 'better',
        a: { clause: 'impact_absorption', result: 'fail', value: 5000 },
        b: { clause: 'impact_absorption', result: 'pass', value: 3900 },
      },
      {
        clause: 'penetration_resistance',
        trend: 'same',
        a: { clause: 'penetration_resistance', result: 'pass' },
        b: { clause: 'penetration_resistance', result: 'pass' },
      },
      { clause: 'chin_strap_strength', trend: 'only_in_a', a: { clause: 'chin_strap_strength', result: 'pass' } },
    ]);
  });

  it('does not compare a clause the standard does not know, nor a measured clause without both values', () => {
    const trends = compareReports(
      'GB 2811-2019',
      [
        { clause: 'made_up_clause', result: 'pass', value: 1 },
        { clause: 'side_stiffness', result: 'pass' },
      ],
      [
        { clause: 'made_up_clause', result: 'pass', value: 9 },
        { clause: 'side_stiffness', result: 'pass', value: 30 },
      ],
    ).map((c) => [c.clause, c.trend, c.delta]);
    expect(trends).toEqual([
      ['made_up_clause', 'not_comparable', undefined],
      ['side_stiffness', 'not_comparable', undefined],
    ]);
  });

  it('for a clause where higher is better, a rise beyond the tolerance is better', () => {
    const [kn95] = compareReports(
      'GB 2626-2019',
      [{ clause: 'filtration_efficiency_KN95', result: 'pass', value: 96 }],
      [{ clause: 'filtration_efficiency_KN95', result: 'pass', value: 97.1 }],
    );
    expect(kn95).toMatchObject({ trend: 'better', delta: 1.1, tolerance: 0.5 });
  });
});
