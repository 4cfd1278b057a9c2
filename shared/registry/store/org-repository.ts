import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { cancelledConditionIndexes, documentClient, isConditionFailure, mainTableName } from '#kernel/db/dynamodb-client';
import { gs1PrefixKey, licenseKey, organizationClientItem, orgClientKey, orgKey, orgRegionIndexKey } from '#kernel/db/item-keys';
import { ConflictError } from '#kernel/errors';
import type { Organization } from '../domain/registry';
import { partnerDirectoryPuts } from './partner-directory-repository';

/**
 * A GS1 company prefix belongs to one organization, and no registered prefix may start
 * with another (their SSCCs would collide). The claim item of a prefix says who owns it;
 * each shorter prefix of it (down to 6 digits) carries a cover count, so a later claim of
 * a shorter or longer overlapping prefix fails its condition in the same transaction.
 */
const prefixItems = (TableName: string, org: Organization) => {
  const prefix = org.gs1CompanyPrefix;
  if (prefix === undefined) return [];
  const covers = [];
  for (let length = 6; length < prefix.length; length++) {
    covers.push({
      Update: {
        TableName,
        Key: gs1PrefixKey(prefix.slice(0, length)),
        UpdateExpression: 'SET #type = :cover ADD covers :one',
        ConditionExpression: 'attribute_not_exists(orgId)',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':cover': 'gs1PrefixCover', ':one': 1 },
      },
    });
  }
  return [
    {
      Put: {
        TableName,
        Item: { ...gs1PrefixKey(prefix), type: 'gs1Prefix', orgId: org.id },
        // Taken outright, or covered by a longer prefix someone registered.
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    ...covers,
  ];
};

export const createOrganization = async (org: Organization): Promise<void> => {
  const TableName = mainTableName();
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName,
              Item: { ...orgKey(org.id), type: 'org', ...org, ...orgRegionIndexKey(org) },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName,
              Item: { ...licenseKey(org.region, org.licenseNumber), type: 'license', orgId: org.id },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          ...prefixItems(TableName, org),
          ...partnerDirectoryPuts(TableName, org),
        ],
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) {
      if (org.gs1CompanyPrefix !== undefined && cancelledConditionIndexes(error).some((index) => index >= 2)) {
        throw new ConflictError(
          'COMPANY_PREFIX_EXISTS',
          `GS1 company prefix ${org.gs1CompanyPrefix} is already registered, or overlaps one that is`,
        );
      }
      throw new ConflictError(
        'LICENSE_EXISTS',
        `An organization with licence number ${org.licenseNumber} is already registered in ${org.region}`,
      );
    }
    throw error;
  }
};

export const getOrganization = async (id: string): Promise<Organization | undefined> => {
  const { Item } = await documentClient.send(new GetCommand({ TableName: mainTableName(), Key: orgKey(id) }));
  if (Item === undefined) return undefined;
  const {
    name,
    names,
    role,
    region,
    licenseNumber,
    gs1CompanyPrefix,
    showNameOnScans,
    serviceContact,
    accreditation,
    createdAt,
  } = Item as Organization;
  return {
    id,
    name,
    ...(names === undefined ? {} : { names }),
    role,
    region,
    licenseNumber,
    ...(gs1CompanyPrefix === undefined ? {} : { gs1CompanyPrefix }),
    ...(showNameOnScans === true ? { showNameOnScans } : {}),
    ...(serviceContact === undefined ? {} : { serviceContact }),
    ...(accreditation === undefined ? {} : { accreditation }),
    createdAt,
  };
};

/**
 * Which organization a Cognito app client (an OAuth client id) belongs to. The
 * pre-token-generation trigger reads it for every token, so a token can only ever carry
 * the organization its client was issued for. One guard item per client, like the
 * licence item, so a client id can never be linked twice.
 */
export const linkOrganizationClient = async (orgId: string, clientId: string): Promise<void> => {
  try {
    await documentClient.send(
      new PutCommand({
        TableName: mainTableName(),
        Item: organizationClientItem(orgId, clientId),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) {
      throw new ConflictError('CLIENT_ALREADY_LINKED', `App client ${clientId} already belongs to an organization`);
    }
    throw error;
  }
};

/** Strongly consistent: a client created a second ago must get its token at once. */
export const getOrganizationIdByClientId = async (clientId: string): Promise<string | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: mainTableName(), Key: orgClientKey(clientId), ConsistentRead: true }),
  );
  return typeof Item?.orgId === 'string' && Item.orgId !== '' ? Item.orgId : undefined;
};
