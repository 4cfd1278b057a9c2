/**
 * Clause catalogues of the product standards test reports are filed under. A report's
 * clause results are checked against its standard's catalogue, and two reports are
 * compared with each clause's tolerance. Adding a standard is adding an entry to
 * CLAUSE_CATALOGUES; nothing else names clauses.
 *
 * Tolerances are the repeatability of the test method as the standards' test chapters
 * imply it: two measurements of the same design closer than the tolerance are "the same
 * result", not a better or worse one. They never loosen a limit: a value past its limit
 * fails, however close.
 */
export type ClauseOutcome = 'pass' | 'fail';

export type ClauseKind =
  | { kind: 'pass_fail' }
  | {
      kind: 'measured';
      unit: string;
      /** Which way is better: a lower transmitted force, a higher filtration efficiency. */
      better: 'lower' | 'higher';
      /** The standard's limit: the worst value that still passes. */
      limit: number;
      /** Differences up to this (in `unit`) are the same result. */
      tolerance: number;
    };

export interface ClauseDefinition {
  id: string;
  title: { 'zh-CN': string; en: string };
  /** Shown on scans: the clauses a wearer's safety turns on. */
  key: boolean;
  /** `claimed`: tested only when the product claims the property (electrical insulation, a filter class). */
  required: 'always' | 'claimed';
  test: ClauseKind;
}

const measured = (unit: string, better: 'lower' | 'higher', limit: number, tolerance: number): ClauseKind => ({
  kind: 'measured',
  unit,
  better,
  limit,
  tolerance,
});
const PASS_FAIL: ClauseKind = { kind: 'pass_fail' };

const GB_2811_2019: readonly ClauseDefinition[] = [
  {
    id: 'impact_absorption',
    title: { 'zh-CN': '冲击吸收性能', en: 'Impact absorption' },
    key: true,
    required: 'always',
    // Transmitted force at most 4900 N; the rig's force transducer repeats to about 2 %.
    test: measured('N', 'lower', 4900, 100),
  },
  {
    id: 'penetration_resistance',
    title: { 'zh-CN': '耐穿刺性能', en: 'Penetration resistance' },
    key: true,
    required: 'always',
    test: PASS_FAIL,
  },
  {
    id: 'chin_strap_strength',
    title: { 'zh-CN': '下颏带的强度', en: 'Chin-strap strength' },
    key: false,
    required: 'always',
    // The strap must release between 150 N and 250 N: a band, so pass/fail rather than a direction.
    test: PASS_FAIL,
  },
  {
    id: 'flame_resistance',
    title: { 'zh-CN': '阻燃性能', en: 'Flame resistance' },
    key: false,
    required: 'claimed',
    // After-flame time at most 5 s, timed by hand to about a second.
    test: measured('s', 'lower', 5, 1),
  },
  {
    id: 'electrical_insulation',
    title: { 'zh-CN': '电绝缘性能', en: 'Electrical insulation' },
    key: true,
    required: 'claimed',
    // Leakage current at most 1.2 mA at 1200 V.
    test: measured('mA', 'lower', 1.2, 0.1),
  },
  {
    id: 'side_stiffness',
    title: { 'zh-CN': '侧向刚性', en: 'Side stiffness' },
    key: false,
    required: 'claimed',
    // Maximum deformation at most 40 mm.
    test: measured('mm', 'lower', 40, 1),
  },
  {
    id: 'low_temperature_impact',
    title: { 'zh-CN': '耐低温性能', en: 'Low-temperature impact' },
    key: false,
    required: 'claimed',
    test: PASS_FAIL,
  },
];

/** Filtration efficiency by class: KN for non-oily particles, KP for oily ones (GB 2626-2019 §5.3). */
const FILTER_CLASSES: readonly [string, number][] = [
  ['KN90', 90],
  ['KN95', 95],
  ['KN100', 99.97],
  ['KP90', 90],
  ['KP95', 95],
  ['KP100', 99.97],
];

const GB_2626_2019: readonly ClauseDefinition[] = [
  ...FILTER_CLASSES.map(
    ([filterClass, limit]): ClauseDefinition => ({
      id: `filtration_efficiency_${filterClass}`,
      title: { 'zh-CN': `过滤效率 ${filterClass}`, en: `Filtration efficiency ${filterClass}` },
      key: true,
      required: 'claimed',
      // Percent penetration instruments repeat to about a tenth of the class's margin.
      test: measured('%', 'higher', limit, limit >= 99.9 ? 0.01 : 0.5),
    }),
  ),
  {
    id: 'inhalation_resistance',
    title: { 'zh-CN': '吸气阻力', en: 'Inhalation resistance' },
    key: true,
    required: 'always',
    test: measured('Pa', 'lower', 350, 10),
  },
  {
    id: 'exhalation_resistance',
    title: { 'zh-CN': '呼气阻力', en: 'Exhalation resistance' },
    key: false,
    required: 'always',
    test: measured('Pa', 'lower', 250, 10),
  },
  {
    id: 'total_inward_leakage',
    title: { 'zh-CN': '泄漏性', en: 'Leakage (total inward leakage)' },
    key: true,
    required: 'always',
    // Per-wearer TIL of a disposable half mask; panels of ten repeat to about half a percent.
    test: measured('%', 'lower', 8, 0.5),
  },
  {
    id: 'flammability',
    title: { 'zh-CN': '阻燃性', en: 'Flammability' },
    key: false,
    required: 'always',
    test: PASS_FAIL,
  },
];

export const CLAUSE_CATALOGUES: Readonly<Record<string, readonly ClauseDefinition[]>> = {
  'GB 2811-2019': GB_2811_2019,
  'GB 2626-2019': GB_2626_2019,
};

export const catalogueOf = (standard: string): readonly ClauseDefinition[] | undefined => CLAUSE_CATALOGUES[standard];

export const clauseOf = (standard: string, clause: string): ClauseDefinition | undefined =>
  catalogueOf(standard)?.find((definition) => definition.id === clause);

export interface ClauseResult {
  clause: string;
  result: ClauseOutcome;
  value?: number;
  unit?: string;
}

/** What the limit says of a measured value: the stated result must agree with it. */
export const outcomeOfValue = (test: Extract<ClauseKind, { kind: 'measured' }>, value: number): ClauseOutcome =>
  (test.better === 'lower' ? value <= test.limit : value >= test.limit) ? 'pass' : 'fail';

/**
 * Every problem with a report's clause results under its standard, empty when there is
 * none: an unknown standard or clause, a clause twice, a measured clause without its value
 * or in another unit, a result its own value contradicts, a mandatory clause missing.
 */
export const clauseProblems = (standard: string, clauses: readonly ClauseResult[]): string[] => {
  const catalogue = catalogueOf(standard);
  if (catalogue === undefined) {
    return [`no clause catalogue for standard "${standard}" (known: ${Object.keys(CLAUSE_CATALOGUES).join(', ')})`];
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const result of clauses) {
    const definition = catalogue.find((entry) => entry.id === result.clause);
    if (definition === undefined) {
      problems.push(`${result.clause}: not a clause of ${standard}`);
      continue;
    }
    if (seen.has(result.clause)) problems.push(`${result.clause}: listed twice`);
    seen.add(result.clause);
    const { test } = definition;
    if (test.kind === 'pass_fail') {
      if (result.value !== undefined || result.unit !== undefined)
        problems.push(`${result.clause}: a pass/fail clause has no value`);
      continue;
    }
    if (result.value === undefined) problems.push(`${result.clause}: needs its measured value in ${test.unit}`);
    else if (outcomeOfValue(test, result.value) !== result.result) {
      problems.push(
        `${result.clause}: ${result.value} ${test.unit} is a ${outcomeOfValue(test, result.value)}, not a ${result.result}`,
      );
    }
    if (result.unit !== undefined && result.unit !== test.unit) problems.push(`${result.clause}: the unit is ${test.unit}`);
  }
  for (const definition of catalogue) {
    if (definition.required === 'always' && !seen.has(definition.id)) problems.push(`${definition.id}: missing`);
  }
  return problems;
};
