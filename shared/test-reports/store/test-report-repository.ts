import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, documentClient, isConditionFailure, mainTableName } from '#kernel/db/dynamodb-client';
import { attachedReportKey, CITATION_PREFIX, citationKey, labReportKey } from '#kernel/db/item-keys';
import { type AttachedReport, type AttachmentSubject, subjectId } from '../domain/test-report-attachments';
import type { ReportDifference, ReportVerdict } from '../domain/test-report-compare';

const keyOf = (subject: AttachmentSubject) =>
  attachedReportKey(subject.kind === 'product' ? subject : { kind: 'batch', gtin: subject.gtin, lot: subject.lot });

/**
 * A subject has one attached report: a new one replaces it. Its citation beside the lab's
 * number is written in the same transaction, so a registration that arrives later always
 * finds the attachments waiting for it.
 */
export const putAttachment = async (report: AttachedReport): Promise<void> => {
  const TableName = mainTableName();
  await documentClient.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName, Item: { ...keyOf(report.subject), type: 'attachedReport', ...report } } },
        {
          Put: {
            TableName,
            Item: {
              ...citationKey(report.labOrgId, report.number, subjectId(report.subject)),
              type: 'reportCitation',
              subject: report.subject,
            },
          },
        },
      ],
    }),
  );
};

export const getAttachment = async (subject: AttachmentSubject): Promise<AttachedReport | undefined> => {
  const { Item } = await documentClient.send(new GetCommand({ TableName: mainTableName(), Key: keyOf(subject) }));
  if (Item === undefined) return undefined;
  const { pk: _pk, sk: _sk, type: _type, ...report } = Item;
  return report as AttachedReport;
};

/** The subjects whose attachments cite a lab's number (a handful: a report covers one product). */
export const listCitations = async (labOrgId: string, number: string): Promise<AttachmentSubject[]> => {
  const { Items = [] } = await documentClient.send(
    new QueryCommand({
      TableName: mainTableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': labReportKey(labOrgId, number).pk, ':prefix': CITATION_PREFIX },
      Limit: 100,
    }),
  );
  return Items.map((item) => item.subject as AttachmentSubject);
};

/** A new comparison of a subject's attachment, only if it still cites that number. */
export const updateComparison = async (
  subject: AttachmentSubject,
  citation: { labOrgId: string; number: string },
  comparison: { verdict: ReportVerdict; differences: ReportDifference[]; comparedAt: string },
): Promise<boolean> => {
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: keyOf(subject),
        UpdateExpression: 'SET verdict = :verdict, differences = :differences, comparedAt = :at',
        ConditionExpression: '#number = :number AND labOrgId = :lab',
        ExpressionAttributeNames: { '#number': 'number' },
        ExpressionAttributeValues: {
          ':verdict': comparison.verdict,
          ':differences': comparison.differences,
          ':at': comparison.comparedAt,
          ':number': citation.number,
          ':lab': citation.labOrgId,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** A scan's read: the lot's batch test and the product's type test, in one round trip. */
export const getScanAttachments = async (
  gtin: string,
  lot: string,
): Promise<{ batch: AttachedReport | undefined; product: AttachedReport | undefined }> => {
  const batchKey = attachedReportKey({ kind: 'batch', gtin, lot });
  const productKey = attachedReportKey({ kind: 'product', gtin });
  const items = (await batchGetAll([batchKey, productKey])) as (Record<string, unknown> & AttachedReport)[];
  return {
    batch: items.find((item) => item.sk === batchKey.sk),
    product: items.find((item) => item.sk === productKey.sk),
  };
};
