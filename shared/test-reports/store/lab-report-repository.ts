import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, isConditionFailure, mainTableName } from '#kernel/db/dynamodb-client';
import { labReportKey } from '#kernel/db/item-keys';
import { ConflictError } from '#kernel/errors';
import type { LabReportRegistration } from '../domain/test-reports';

/** A number once registered stays as signed: a correction is a new report number, as labs issue them. */
export const putLabReport = async (registration: LabReportRegistration): Promise<void> => {
  try {
    await documentClient.send(
      new PutCommand({
        TableName: mainTableName(),
        Item: { ...labReportKey(registration.labOrgId, registration.number), type: 'labReport', ...registration },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) {
      throw new ConflictError('LAB_REPORT_EXISTS', `Report ${registration.number} is already registered by this lab`);
    }
    throw error;
  }
};

export const getLabReport = async (labOrgId: string, number: string): Promise<LabReportRegistration | undefined> => {
  const { Item } = await documentClient.send(new GetCommand({ TableName: mainTableName(), Key: labReportKey(labOrgId, number) }));
  if (Item === undefined) return undefined;
  const { pk: _pk, sk: _sk, type: _type, ...registration } = Item;
  return registration as LabReportRegistration;
};
