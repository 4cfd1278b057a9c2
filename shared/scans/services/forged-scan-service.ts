import { provinceOf } from '#kernel/places/provinces';
import { getOrganization } from '#registry';
import { absorbForgedScans, counterfeitWave, type ForgedScan } from '../domain/forged-scans';
import { dayOf } from '../domain/scan-rollups';
import { getForgedScanTally, putForgedScanTally } from '../store/forged-scan-repository';
import { fileNewAlerts, fileWidenedAlerts } from './alert-service';
import { effectiveScanRules } from './scan-rules-service';

/**
 * The aggregator hands over one registered product's forged scans of a batch (in stream
 * order); this folds them into the product's tally of each day they were made, and opens or
 * updates that day's counterfeit_wave alert. The alert is filed in the inbox before it is
 * stored, with its deterministic id, as the unit alerts are (see fileNewAlerts).
 */
export interface ForgedScans {
  gtin: string;
  /** The factory that registered the GTIN: an unregistered GTIN is not ours to count. */
  ownerOrgId: string;
  scans: readonly ForgedScan[];
}

const MAX_ATTEMPTS = 10;

export const recordForgedScans = async (input: ForgedScans): Promise<void> => {
  const days = new Map<string, ForgedScan[]>();
  for (const scan of input.scans) {
    const day = dayOf(scan.at);
    days.set(day, [...(days.get(day) ?? []), scan]);
  }
  let context: Promise<{ threshold: number; factoryProvince?: string }> | undefined;
  const contextOnce = () =>
    (context ??= Promise.all([effectiveScanRules(input.gtin), getOrganization(input.ownerOrgId)]).then(([rules, factory]) => ({
      threshold: rules.counterfeitWaveAfter,
      ...(factory === undefined ? {} : { factoryProvince: provinceOf(factory.region) }),
    })));
  /** Read, absorb, write if nobody wrote in between; true once the day holds every scan. */
  const absorbDay = async (day: string, scans: readonly ForgedScan[]): Promise<boolean> => {
    const { tally, version } = await getForgedScanTally(input.gtin, day);
    const absorbed = absorbForgedScans(tally, scans);
    if (absorbed === undefined) return true;
    const { threshold, factoryProvince } = await contextOnce();
    const alert = counterfeitWave(absorbed.tally, absorbed.fresh, {
      gtin: input.gtin,
      factoryOrgId: input.ownerOrgId,
      threshold,
      ...(factoryProvince === undefined ? {} : { factoryProvince }),
    });
    if (alert !== undefined && tally.alert === undefined) await fileNewAlerts([alert]);
    else if (alert !== undefined) await fileWidenedAlerts([alert]);
    return putForgedScanTally(input.gtin, { ...absorbed.tally, ...(alert === undefined ? {} : { alert }) }, version, alert);
  };
  for (const [day, scans] of days) {
    let attempt = 0;
    while (!(await absorbDay(day, scans))) {
      if (++attempt >= MAX_ATTEMPTS) throw new Error(`forged scan tally ${input.gtin} ${day}: too many concurrent writers`);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
};
