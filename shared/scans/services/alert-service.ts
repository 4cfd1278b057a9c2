import { addProvincesInInbox, fileInInbox } from '#inbox';
import type { Principal } from '#kernel/auth/principal';
import { BadRequestError, ForbiddenError } from '#kernel/errors';
import { provinceOf } from '#kernel/places/provinces';
import { requireRegisteredOrg } from '#registry';
import { type Alert, type AlertRule, COUNTERFEIT_WAVE, gtinOfAlert } from '../domain/alerts';
import { type AlertPage, listAlerts } from '../store/alert-repository';

const RULE_TITLES: Record<AlertRule, string> = {
  too_many_scans: 'Scanned more often than a genuine unit is',
  impossible_travel: 'Scanned in places too far apart for the time between',
  far_from_sale: 'Scanned far from where it was sold',
  outside_market: "Scanned outside its lot's intended market",
  counterfeit_wave: 'Forged labels of this product are being scanned',
};

const subjectOf = (alert: Alert): string =>
  alert.rule === COUNTERFEIT_WAVE
    ? `${alert.product.gtin} on ${alert.day}`
    : `${alert.unit.gtin} / ${alert.unit.lot} / ${alert.unit.serial}`;

/**
 * Files newly opened alerts in the regulators' inbox. It runs before the alerts are stored,
 * with their deterministic ids, and filing is idempotent: a crash between the two, or a
 * retried batch, files the same entry again and changes nothing, and no alert is ever
 * stored without its inbox entry.
 */
export const fileNewAlerts = async (alerts: readonly Alert[]): Promise<void> => {
  for (const alert of alerts) {
    await fileInInbox({
      kind: 'alert',
      id: alert.id,
      createdAt: alert.firstAt,
      provinces: alert.provinces,
      factoryOrgId: alert.factoryOrgId,
      gtin: gtinOfAlert(alert),
      title: `${RULE_TITLES[alert.rule]}: ${subjectOf(alert)}`,
    });
  }
};

/**
 * Carries provinces an open alert gained since it was filed (a later hit elsewhere) to the
 * inbox, so each province's regulators hear of it whichever batch the hit arrived in.
 * Idempotent like filing: provinces already there change nothing.
 */
export const fileWidenedAlerts = async (alerts: readonly Alert[]): Promise<void> => {
  for (const alert of alerts) await addProvincesInInbox('alert', alert.id, alert.provinces);
};

export interface AlertListInput {
  gtin?: string;
  rule?: AlertRule;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

/**
 * A factory reads the alerts about its own products; a regulator those of its province, or,
 * when its region is a bare country code (`CN`), the whole country's.
 */
export const listAlertsFor = async (principal: Principal, input: AlertListInput): Promise<AlertPage> => {
  const org = await requireRegisteredOrg(principal);
  if (input.from !== undefined && input.to !== undefined && input.from > input.to) {
    throw new BadRequestError('INVALID_DATE_RANGE', '`from` must not be after `to`');
  }
  const options = { ...input, reader: org.id };
  if (org.role === 'factory') return listAlerts({ kind: 'factory', orgId: org.id }, options);
  if (org.role === 'regulator') return listAlerts({ kind: 'region', region: provinceOf(org.region) }, options);
  throw new ForbiddenError('ROLE_NOT_ALLOWED', 'Alerts are read by factories and regulators');
};
