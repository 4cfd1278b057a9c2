import type { Principal } from '#kernel/auth/principal';
import { requireRole } from '#kernel/auth/principal';
import { BadRequestError, ValidationError } from '#kernel/errors';
import { signLabClaims } from '#kernel/keys/lab-keys';
import { getOrganization, getProductRecord, type LabAccreditation, requireRegisteredOrg } from '#registry';
import { clauseProblems } from '../domain/test-report-clauses';
import type { LabReportClaims, LabReportRegistration, RegisterLabReportInput } from '../domain/test-reports';
import { putLabReport } from '../store/lab-report-repository';
import { recompareCitations } from './test-report-service';

/** Whether an accreditation covered a standard on a date (both bounds included). */
export const accreditationCovers = (accreditation: LabAccreditation | undefined, standard: string, date: string): boolean =>
  accreditation?.standards.includes(standard) === true && accreditation.validFrom <= date && date <= accreditation.validUntil;

/**
 * A lab registers a report it issued, signed with its own key. It can only register what
 * it was accredited to issue on the report's date, for a factory (and GTIN) that exists,
 * with clause results that fit the standard: a registration is what forged copies are
 * held against, so it must be beyond doubt itself.
 */
export const registerLabReport = async (
  principal: Principal,
  input: RegisterLabReportInput,
  now = new Date(),
): Promise<LabReportRegistration> => {
  requireRole(principal, ['lab']);
  const lab = await requireRegisteredOrg(principal);
  if (input.date > now.toISOString().slice(0, 10)) throw new ValidationError('date must not be in the future');
  const problems = clauseProblems(input.standard, input.clauses);
  if (problems.length > 0) throw new ValidationError('The clause results do not fit the standard', { problems });
  if (!accreditationCovers(lab.accreditation, input.standard, input.date)) {
    throw new BadRequestError('NOT_ACCREDITED', `Your accreditation did not cover ${input.standard} on ${input.date}`);
  }
  const factory = await getOrganization(input.factoryOrgId);
  if (factory?.role !== 'factory') {
    throw new BadRequestError('UNKNOWN_FACTORY', `No factory ${input.factoryOrgId} is registered`);
  }
  if ('gtin' in input.product) {
    const record = await getProductRecord(input.product.gtin);
    if (record?.product.ownerOrgId !== input.factoryOrgId) {
      throw new BadRequestError('PRODUCT_NOT_OF_FACTORY', `GTIN ${input.product.gtin} is not a product of that factory`);
    }
  }
  const claims: LabReportClaims = { labOrgId: lab.id, ...input, registeredAt: now.toISOString() };
  const signed = await signLabClaims(claims);
  const registration: LabReportRegistration = { ...claims, ...signed };
  await putLabReport(registration);
  await recompareCitations(lab.id, input.number, now);
  return registration;
};
