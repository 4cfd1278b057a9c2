import { subjectIdOf } from '#custody/contract';
import type { Principal } from '#kernel/auth/principal';
import { ConflictError, ForbiddenError, NotFoundError } from '#kernel/errors';
import { getProductRecord, requireRegisteredOrg } from '#registry';
import type { UnitAlert } from '../domain/alerts';
import type { UnitFlag } from '../domain/scan-rules';
import { getUnitScans, writeUnblock } from '../store/unit-scan-repository';

export interface UnblockResult {
  unit: { gtin: string; lot: string; serial: string };
  flagBefore: UnitFlag;
  unblockedAt: string;
  unblockedBy: string;
  reason: string;
  closedAlerts: string[];
  /** The rules judge the unit's scans from `since` on, as if it had never been scanned. */
  baselineReset: { scansBefore: number; since: string };
}

const MAX_ATTEMPTS = 5;

/**
 * Clears a unit's suspect or blocked flag: only the factory that registered the GTIN, with
 * a reason, recorded in the unit's append-only unblock history. Its open alerts close, and
 * the rules judge it from a fresh baseline: its count, remembered places and hits start
 * from zero, so the scans that blocked it cannot block it again the moment it is scanned,
 * while a new pattern still flags and blocks it.
 */
export const unblockUnitFor = async (
  principal: Principal,
  unit: { gtin: string; lot: string; serial: string },
  reason: string,
  now = new Date(),
): Promise<UnblockResult> => {
  const org = await requireRegisteredOrg(principal);
  if (org.role !== 'factory') throw new ForbiddenError('ROLE_NOT_ALLOWED', 'Only the factory that made a unit unblocks it');
  const record = await getProductRecord(unit.gtin);
  if (record === undefined) throw new NotFoundError('PRODUCT_NOT_FOUND', `GTIN ${unit.gtin} is not registered`);
  if (record.product.ownerOrgId !== org.id) {
    throw new ForbiddenError('NOT_PRODUCT_OWNER', 'Only the factory that registered this GTIN unblocks its units');
  }
  const subjectId = subjectIdOf({ kind: 'unit', gtin: unit.gtin, serial: unit.serial });
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const stored = await getUnitScans(subjectId);
    const flagBefore = stored.state.flag;
    if (flagBefore === undefined) throw new ConflictError('UNIT_NOT_FLAGGED', 'This unit is neither suspect nor blocked');
    const at = now.toISOString();
    const closed: UnitAlert[] = Object.values(stored.state.openAlerts)
      .filter((alert): alert is UnitAlert => alert !== undefined)
      .map((alert) => ({ ...alert, status: 'closed', closedAt: at, closedBy: org.id, closeReason: reason }));
    const baselineReset = { scansBefore: stored.state.memory.count, since: at };
    const written = await writeUnblock(
      subjectId,
      stored,
      {
        by: org.id,
        at,
        reason,
        flagBefore,
        flagRulesBefore: stored.state.flagRules,
        hitsBefore: stored.state.hits,
        closedAlertIds: closed.map((alert) => alert.id),
        baselineReset,
      },
      closed,
    );
    if (written) {
      const closedAlerts = closed.map((alert) => alert.id);
      return { unit, flagBefore, unblockedAt: at, unblockedBy: org.id, reason, closedAlerts, baselineReset };
    }
  }
  throw new Error(`The scan state of ${subjectId} kept changing under ${MAX_ATTEMPTS} attempts`);
};
