/**
 * The one walk up a subject's containers (a scan's custody, a recall stopping the
 * containers that hold recalled units). Reading is the caller's, so this stays free of
 * the store and each caller decides where states come from.
 */
import type { SubjectState } from './types';

/**
 * Units go into cases or pallets and cases into pallets, so a genuine tree is at most two
 * containers deep; the walk stops at three, so damaged data (a cycle, a container packed
 * into itself) costs a bounded number of reads.
 */
export const MAX_CONTAINER_DEPTH = 3;

export interface Enclosure {
  state: SubjectState;
  /** When what sits in this container went in: the start of its time inside. */
  since?: string;
}

export type StateReader = (subjectId: string) => Promise<SubjectState | undefined>;

/**
 * The containers above `subject`, innermost first. With `visited`, the walk stops at a
 * container already in it (its ancestors were walked already) and adds those it reaches,
 * so walks from many subjects read each container once.
 */
export const containersAbove = async (
  subject: Pick<SubjectState, 'parentId' | 'packedAt'> | undefined,
  read: StateReader,
  visited?: Set<string>,
): Promise<Enclosure[]> => {
  const path: Enclosure[] = [];
  let inner = subject;
  for (let depth = 0; depth < MAX_CONTAINER_DEPTH && inner !== undefined; depth++) {
    const { parentId, packedAt } = inner;
    if (parentId === undefined || visited?.has(parentId) === true) break;
    visited?.add(parentId);
    const container = await read(parentId);
    if (container === undefined) break;
    path.push({ state: container, ...(packedAt === undefined ? {} : { since: packedAt }) });
    inner = container;
  }
  return path;
};

/**
 * Custody of something packed is the custody of the outermost container holding it:
 * shipping a pallet writes only the pallet, so the units inside learn there who holds them.
 */
export const outermostOf = (own: SubjectState | undefined, path: readonly Enclosure[]): SubjectState | undefined =>
  path.at(-1)?.state ?? own;

/**
 * How many units a subject stands for in its container's total: a unit one, a container its
 * own total. States from before totals were kept: a case holds units only, so its children
 * are its units, and an empty container holds none; a pallet that held cases then is
 * unknown (undefined) until it is emptied.
 */
export const unitsInside = (state: SubjectState): number | undefined => {
  if (state.ref.kind === 'unit') return 1;
  if (state.unitCount !== undefined) return state.unitCount;
  const children = state.childCount ?? 0;
  return state.ref.containerKind === 'case' || children === 0 ? children : undefined;
};

/** A container's total after packing (`sign` 1) or unpacking (-1) `children`; undefined when unknown. */
export const unitTotalAfter = (
  parent: SubjectState,
  children: readonly SubjectState[],
  sign: 1 | -1,
  remainingChildren: number,
): number | undefined => {
  if (remainingChildren === 0) return 0;
  let total = unitsInside(parent);
  for (const child of children) {
    const units = unitsInside(child);
    total = total === undefined || units === undefined ? undefined : total + sign * units;
  }
  return total === undefined ? undefined : Math.max(0, total);
};
