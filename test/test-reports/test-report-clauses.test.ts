import { describe, expect, it } from 'vitest';
import { CLAUSE_CATALOGUES, clauseProblems, outcomeOfValue } from '#shared/test-reports/domain/test-report-clauses';

const helmet = [
  { clause: 'impact_absorption', result: 'pass', value: 3850, unit: 'N' },
  { clause: 'penetration_resistance', result: 'pass' },
  { clause: 'chin_strap_strength', result: 'pass' },
] as const;

describe('clause catalogues', () => {
  it('name the clauses the standards test, each measured one with a unit, a limit and a positive tolerance', () => {
    expect(CLAUSE_CATALOGUES['GB 2811-2019']?.map((c) => c.id)).toEqual(
      expect.arrayContaining([
        'impact_absorption',
        'penetration_resistance',
        'chin_strap_strength',
        'flame_resistance',
        'electrical_insulation',
      ]),
    );
    expect(CLAUSE_CATALOGUES['GB 2626-2019']?.map((c) => c.id)).toEqual(
      expect.arrayContaining([
        'filtration_efficiency_KN95',
        'filtration_efficiency_KP100',
        'inhalation_resistance',
        'exhalation_resistance',
        'total_inward_leakage',
      ]),
    );
    for (const catalogue of Object.values(CLAUSE_CATALOGUES)) {
      for (const clause of catalogue) {
        if (clause.test.kind === 'measured') expect(clause.test.tolerance, clause.id).toBeGreaterThan(0);
      }
    }
  });

  it('judge a measured value by its limit and direction', () => {
    const impact = CLAUSE_CATALOGUES['GB 2811-2019']?.find((c) => c.id === 'impact_absorption')?.test;
    const kn95 = CLAUSE_CATALOGUES['GB 2626-2019']?.find((c) => c.id === 'filtration_efficiency_KN95')?.test;
    if (impact?.kind !== 'measured' || kn95?.kind !== 'measured') throw new Error('catalogue changed');
    expect(outcomeOfValue(impact, 4900)).toBe('pass');
    expect(outcomeOfValue(impact, 4901)).toBe('fail');
    expect(outcomeOfValue(kn95, 95)).toBe('pass');
    expect(outcomeOfValue(kn95, 94.9)).toBe('fail');
  });

  it('accept a complete, consistent helmet report', () => {
    expect(clauseProblems('GB 2811-2019', [...helmet])).toEqual([]);
  });

  it('list every problem: unknown standard or clause, twice, no value, wrong unit, a contradicted result, a missing clause', () => {
    expect(clauseProblems('GB 0000-1999', [...helmet])[0]).toMatch(/no clause catalogue/);
    const problems = clauseProblems('GB 2811-2019', [
      { clause: 'impact_absorption', result: 'pass', value: 5000, unit: 'kN' },
      { clause: 'impact_absorption', result: 'fail' },
      { clause: 'penetration_resistance', result: 'pass', value: 1 },
      { clause: 'waterproofing', result: 'pass' },
    ]);
    expect(problems).toEqual([
      'impact_absorption: 5000 N is a fail, not a pass',
      'impact_absorption: the unit is N',
      'impact_absorption: listed twice',
      'impact_absorption: needs its measured value in N',
      'penetration_resistance: a pass/fail clause has no value',
      'waterproofing: not a clause of GB 2811-2019',
      'chin_strap_strength: missing',
    ]);
  });
});
