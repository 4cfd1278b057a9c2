import { BadRequestError, ForbiddenError } from '#kernel/errors';
import { isNationalRegion, provinceOf } from '#kernel/places/provinces';
import { DRAW_ALGORITHM, type DrawInputs, type SaltBase, type SpotCheckKind, type SpotCheckScope } from './spot-check-draw';
import { DRAW_ALGORITHM_V1, type DrawInputsV1 } from './spot-check-draw-v1';

/**
 * A spot-check draw as stored and published. Every draw is public from its commitment on,
 * abandoned ones too, so a regulator cannot quietly drop a draw whose outcome it disliked.
 */
export const DRAW_STATUSES = ['committed', 'fixed', 'drawn', 'abandoned'] as const;
export type DrawStatus = (typeof DRAW_STATUSES)[number];
export type StoredDrawStatus = Exclude<DrawStatus, 'abandoned'>;

/** A draw not revealed this long after its commitment is abandoned. */
export const REVEAL_WINDOW_MS = 24 * 60 * 60 * 1000;
/**
 * The most ids a population may hold: a lot has at most 10,000 units, and fixing must read
 * the whole population within one API call. A larger scope is refused: narrow it.
 */
export const MAX_POPULATION = 10_000;
export const MAX_INSPECTORS = 500;

/** An inspector as a draw names it: the id the service assigned and the name registered with it. */
export interface DrawInspector {
  id: string;
  name: string;
}

export interface SpotCheckDraw {
  id: string;
  /** Absent on draws made with `traceseal-spot-check/1`, before the field existed. */
  algorithm?: typeof DRAW_ALGORITHM | typeof DRAW_ALGORITHM_V1;
  regulatorOrgId: string;
  status: StoredDrawStatus;
  scope: SpotCheckScope;
  kind: SpotCheckKind;
  sampleSize: number;
  /** Sorted, unique: inspector ids (`/1`: free-text names). */
  inspectors: string[];
  /** The inspectors' registered names when the draw was opened (`/2`). */
  inspectorRoster?: DrawInspector[];
  inspectorCount: number;
  commitment: string;
  committedAt: string;
  fixedAt?: string;
  /** `/1` only: the salt, public from the fix on. */
  salt?: string;
  /** Hex SHA-256 of the service salt (`/2`), published at the fix; the salt after the reveal. */
  serviceSaltCommitment?: string;
  serviceSalt?: string;
  population?: string[];
  populationSize?: number;
  /** Hex SHA-256 of UTF-8(JCS(population)) (`/2`). */
  populationCommitment?: string;
  revealedAt?: string;
  /** Lowercase hex, once revealed. */
  secret?: string;
  inputsHash?: string;
  seed?: string;
  /** Positions in the sorted population, in draw order (`/2`). */
  targetPositions?: number[];
  targets?: string[];
  selectedInspectors?: string[];
}

export const revealDeadline = (draw: Pick<SpotCheckDraw, 'committedAt'>): Date =>
  new Date(Date.parse(draw.committedAt) + REVEAL_WINDOW_MS);

/** Abandonment is a matter of time, evaluated on every read: nothing has to run to mark it. */
export const effectiveStatus = (draw: Pick<SpotCheckDraw, 'status' | 'committedAt'>, now: Date): DrawStatus =>
  draw.status !== 'drawn' && now.getTime() >= revealDeadline(draw).getTime() ? 'abandoned' : draw.status;

/**
 * The province a regulator may draw in: its own, or any of its country's when national.
 * A national regulator must name one (populations are listed per province).
 */
export const drawProvinceFor = (regulatorRegion: string, requested: string | undefined): string => {
  const own = provinceOf(regulatorRegion);
  if (!isNationalRegion(regulatorRegion)) {
    if (requested !== undefined && requested.toUpperCase() !== own) {
      throw new ForbiddenError('OUTSIDE_JURISDICTION', `You may draw only in ${own}`);
    }
    return own;
  }
  if (requested === undefined) {
    throw new BadRequestError('PROVINCE_REQUIRED', 'A national regulator names the province of each draw (scope.province)');
  }
  const province = requested.toUpperCase();
  if (!province.startsWith(`${own}-`)) throw new ForbiddenError('OUTSIDE_JURISDICTION', `You may draw only in ${own}`);
  return province;
};

export const isV1Draw = (draw: Pick<SpotCheckDraw, 'algorithm'>): boolean =>
  draw.algorithm === undefined || draw.algorithm === DRAW_ALGORITHM_V1;

/** What the service salt of a draw about to be fixed is derived from. */
export const saltBaseOf = (
  draw: SpotCheckDraw,
  fixed: { fixedAt: string; populationSize: number; populationCommitment: string },
): SaltBase => ({
  algorithm: DRAW_ALGORITHM,
  drawId: draw.id,
  regulatorOrgId: draw.regulatorOrgId,
  scope: draw.scope,
  kind: draw.kind,
  population: { size: fixed.populationSize, sha256: fixed.populationCommitment },
  sampleSize: draw.sampleSize,
  inspectors: draw.inspectors,
  inspectorCount: draw.inspectorCount,
  commitment: draw.commitment,
  committedAt: draw.committedAt,
  fixedAt: fixed.fixedAt,
});

/** The published inputs of a fixed draw: exactly what the seed hashes. */
export const inputsOf = (draw: SpotCheckDraw): DrawInputs | undefined => {
  const { fixedAt, populationSize, populationCommitment, serviceSaltCommitment } = draw;
  if (isV1Draw(draw) || fixedAt === undefined || populationSize === undefined) return undefined;
  if (populationCommitment === undefined || serviceSaltCommitment === undefined) return undefined;
  return { ...saltBaseOf(draw, { fixedAt, populationSize, populationCommitment }), serviceSaltCommitment };
};

/** The inputs of a fixed draw made with `traceseal-spot-check/1`. */
export const inputsOfV1 = (draw: SpotCheckDraw): DrawInputsV1 | undefined => {
  if (!isV1Draw(draw) || draw.fixedAt === undefined || draw.salt === undefined || draw.population === undefined) return undefined;
  return {
    algorithm: DRAW_ALGORITHM_V1,
    drawId: draw.id,
    regulatorOrgId: draw.regulatorOrgId,
    scope: draw.scope,
    kind: draw.kind,
    population: draw.population,
    sampleSize: draw.sampleSize,
    inspectors: draw.inspectors,
    inspectorCount: draw.inspectorCount,
    commitment: draw.commitment,
    committedAt: draw.committedAt,
    fixedAt: draw.fixedAt,
    salt: draw.salt,
  };
};

/** A lot target is `{gtin}:{lot}`: a GTIN is 14 digits and a lot never holds a colon. */
export const lotTargetId = (gtin: string, lot: string): string => `${gtin}:${lot}`;
export const parseLotTarget = (target: string): { gtin: string; lot: string } | undefined => {
  const match = /^(\d{14}):(.+)$/.exec(target);
  return match?.[1] === undefined || match[2] === undefined ? undefined : { gtin: match[1], lot: match[2] };
};
