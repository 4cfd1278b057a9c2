import { beforeAll, describe, expect, it } from 'vitest';
import { type Synthesized, synthesize } from './synth';
import { resourcesOf } from './template-helpers';

/**
 * CloudFormation knows a resource by its logical id. When a construct moves (the stack was
 * split into constructs per concern), CDK derives a new id, and for a retained resource
 * that means the deployed one is orphaned and a new, empty one is created: a new table
 * without the data, a new user pool without the organizations' app clients, a new
 * distribution whose host name no printed label carries. These ids were recorded from
 * `npx cdk synth` of the stack before the split; a change here must be deliberate.
 */
const STATEFUL_IDS: Record<string, string> = {
  MainTable: 'AWS::DynamoDB::GlobalTable',
  SigningKeyEncryptionKey008D21A5: 'AWS::KMS::Key',
  SigningKeySecret8F233DFC: 'AWS::SecretsManager::Secret',
  // Replaced, it would rotate the key again at once.
  SigningKeyRotation: 'AWS::SecretsManager::RotationSchedule',
  // Replaced, every fixed and unrevealed spot-check draw could no longer be revealed.
  SpotCheckSaltKeyC5D63447: 'AWS::SecretsManager::Secret',
  UserPool6BA7E5F2: 'AWS::Cognito::UserPool',
  // Replaced, each would collide with its own identifier, prefix or lose the admin's credentials.
  UserPoolResourceServer05D1463A: 'AWS::Cognito::UserPoolResourceServer',
  UserPoolDomainD0EA232A: 'AWS::Cognito::UserPoolDomain',
  UserPoolBootstrapAdminClient1F8C2FCA: 'AWS::Cognito::UserPoolClient',
  CdnAccessLogsF2114EF2: 'AWS::S3::Bucket',
  // Its *.cloudfront.net host is printed in labels when there is no custom domain.
  Distribution830FAC52: 'AWS::CloudFront::Distribution',
  // The distribution's origin is this API's id.
  HttpApiF5A9A8A7: 'AWS::ApiGatewayV2::Api',
  ApiAccessLogsE9DF007D: 'AWS::Logs::LogGroup',
  BootstrapAdminClientLinkLogs34C75233: 'AWS::Logs::LogGroup',
  RotateSigningKeyLogGroupDAD89F29: 'AWS::Logs::LogGroup',
  PreTokenGenerationLogGroup56984400: 'AWS::Logs::LogGroup',
  CreateOrgLogGroup66CD4A19: 'AWS::Logs::LogGroup',
  GetOrgLogGroupFBAE8DD3: 'AWS::Logs::LogGroup',
  ManageOrgUsersLogGroup61E9E24F: 'AWS::Logs::LogGroup',
  ListOrgActivityLogGroupD2C87E05: 'AWS::Logs::LogGroup',
  ListProductsLogGroupE732084A: 'AWS::Logs::LogGroup',
  UpdateProductLogGroup7549C63B: 'AWS::Logs::LogGroup',
  CreateProductLogGroup93E5944F: 'AWS::Logs::LogGroup',
  CreateBatchLogGroup7EE43CCA: 'AWS::Logs::LogGroup',
  ListBatchesLogGroup9DD13530: 'AWS::Logs::LogGroup',
  GetBatchLogGroup317FEEAB: 'AWS::Logs::LogGroup',
  ListBatchCodesLogGroup88B3B1F2: 'AWS::Logs::LogGroup',
  VerifyCodeLogGroupFD97B552: 'AWS::Logs::LogGroup',
  RecordEventsLogGroup291E6E51: 'AWS::Logs::LogGroup',
  CreateContainersLogGroupE118C38C: 'AWS::Logs::LogGroup',
  GetInventoryLogGroup78F4B415: 'AWS::Logs::LogGroup',
  GetChainLogGroup6A88F255: 'AWS::Logs::LogGroup',
  GetJwksLogGroup2B58680A: 'AWS::Logs::LogGroup',
  GetOpenapiLogGroupF4487F9A: 'AWS::Logs::LogGroup',
  GetResolverDescriptionLogGroupC95DCA17: 'AWS::Logs::LogGroup',
  ProductLinksLogGroup406BFF6B: 'AWS::Logs::LogGroup',
  // Retained resources added since (their first ids, kept from now on).
  IdentityAuthorizerLogGroup8A3308D0: 'AWS::Logs::LogGroup',
  GetEventJobLogGroup3D7C7D7A: 'AWS::Logs::LogGroup',
  EventJobsWorkerLogGroup1C963B48: 'AWS::Logs::LogGroup',
  // Counterfeit reports: the photos are evidence.
  ReportStoragePhotosCCA0531B: 'AWS::S3::Bucket',
  ReportStorageAccessLogsADD6B015: 'AWS::S3::Bucket',
  CreateReportLogGroup38C1C60E: 'AWS::Logs::LogGroup',
  // Issuance jobs: label files are printing material until their lifecycle ends.
  IssuanceJobsLabelKey800DB8D0: 'AWS::KMS::Key',
  IssuanceJobsLabels0287039F: 'AWS::S3::Bucket',
  IssuanceJobsWorkerLogGroup4C950527: 'AWS::Logs::LogGroup',
  ListReportsLogGroup9CB1C7C6: 'AWS::Logs::LogGroup',
  // Signed audit checkpoints.
  AuditLogReadLogGroupC3541619: 'AWS::Logs::LogGroup',
  CreateCheckpointLogGroup69AA342F: 'AWS::Logs::LogGroup',
  AuditCheckpointsCheckpointerLogGroup94600FD8: 'AWS::Logs::LogGroup',
  // Scan records: a replaced stream loses the scans not yet aggregated, and CloudFront's log config points at it.
  ScanRecordsStream4C60D7B5: 'AWS::Kinesis::Stream',
  ScanRecordsAggregatorLogGroupC8327A89: 'AWS::Logs::LogGroup',
  GetScanSummaryLogGroup4281BF79: 'AWS::Logs::LogGroup',
  QueryEpcisEventsLogGroupEC2A8561: 'AWS::Logs::LogGroup',
  SpotCheckWriteLogGroup130D0997: 'AWS::Logs::LogGroup',
  SpotCheckReadLogGroupEFFD365E: 'AWS::Logs::LogGroup',
  InboxReadLogGroup2ECC2583: 'AWS::Logs::LogGroup',
  InboxUpdateLogGroupC7F0094F: 'AWS::Logs::LogGroup',
  ScanRulesLogGroup73603873: 'AWS::Logs::LogGroup',
  ListAlertsLogGroupED94FA38: 'AWS::Logs::LogGroup',
  ListPartnersLogGroupDFDCC09C: 'AWS::Logs::LogGroup',
  UnblockUnitLogGroupD15F3B9A: 'AWS::Logs::LogGroup',
  LabReportsLogGroupD9A1EDF3: 'AWS::Logs::LogGroup',
  TestReportsLogGroupC553F726: 'AWS::Logs::LogGroup',
  TestReportsLabKeyEncryptionKeyB47F3B5F: 'AWS::KMS::Key',
  TestReportsPdfs04DEE801: 'AWS::S3::Bucket',
  // Audit exports and the archive: Object Lock buckets, five years.
  AuditExportsExportKeyE83CCC6F: 'AWS::KMS::Key',
  AuditExports0CF0EA70: 'AWS::S3::Bucket',
  AuditExportsArchive9EE0DADF: 'AWS::S3::Bucket',
  AuditCheckpointsWitnessKey7CE3B78B: 'AWS::KMS::Key',
  AuditCheckpointsWitness34D6A7D4: 'AWS::S3::Bucket',
  AuditExportsWorkerLogGroup08852514: 'AWS::Logs::LogGroup',
  AuditExportCreateLogGroup0730979C: 'AWS::Logs::LogGroup',
  AuditExportReadLogGroup2F1CA48B: 'AWS::Logs::LogGroup',
  // The web apps: the bucket CloudFront reads them from (by origin access control) and the uploader's logs.
  WebAppsBucketB0476E31: 'AWS::S3::Bucket',
  WebAppsDeploymentLogsB187B507: 'AWS::Logs::LogGroup',
  // A participant's look-up of a verdict (the console's unit story), kept off the scan paths.
  GetVerdictLogGroupDD9BCAAE: 'AWS::Logs::LogGroup',
};

/**
 * Stateless, but updated in place only under the same id: a replaced function is created
 * before the old one is deleted, so verify-code would need its reserved concurrency twice
 * and the rotation schedule would point at a new function (and rotate the key at once);
 * a replaced SQS event source mapping cannot even be created (Lambda refuses a second
 * mapping of the same queue to the same function). Recorded from `npx cdk synth` before
 * TraceSealFunction became a NodejsFunction.
 */
const IN_PLACE_IDS: Record<string, string> = {
  CreateBatchFunctionAC2E089F: 'AWS::Lambda::Function',
  CreateContainersFunction68C97969: 'AWS::Lambda::Function',
  CreateOrgFunctionD1D149B8: 'AWS::Lambda::Function',
  CreateProductFunction46EC8A4B: 'AWS::Lambda::Function',
  EventJobsWorkerFunction9E04FBB4: 'AWS::Lambda::Function',
  GetBatchFunction6DEC7CA4: 'AWS::Lambda::Function',
  GetChainFunction8839C711: 'AWS::Lambda::Function',
  GetEventJobFunctionB609CE3F: 'AWS::Lambda::Function',
  GetInventoryFunctionD73FAF33: 'AWS::Lambda::Function',
  GetJwksFunction48522525: 'AWS::Lambda::Function',
  GetOpenapiFunction4F3AF901: 'AWS::Lambda::Function',
  GetResolverDescriptionFunction9F1C4928: 'AWS::Lambda::Function',
  ProductLinksFunction7DE86627: 'AWS::Lambda::Function',
  GetOrgFunctionBBB6B7E0: 'AWS::Lambda::Function',
  ManageOrgUsersFunctionB7844853: 'AWS::Lambda::Function',
  ListOrgActivityFunctionB95E1D12: 'AWS::Lambda::Function',
  ListProductsFunctionC9243BD0: 'AWS::Lambda::Function',
  UpdateProductFunction75524299: 'AWS::Lambda::Function',
  IdentityAuthorizerFunction644DA60E: 'AWS::Lambda::Function',
  IdentityPreTokenGenerationFunctionF9752150: 'AWS::Lambda::Function',
  ListBatchCodesFunctionAF1735CF: 'AWS::Lambda::Function',
  ListBatchesFunction4B560BDF: 'AWS::Lambda::Function',
  RecordEventsFunction9E9EEDFB: 'AWS::Lambda::Function',
  SigningKeyRotationFunctionDA2481F7: 'AWS::Lambda::Function',
  VerifyCodeFunctionE5058732: 'AWS::Lambda::Function',
  CreateReportFunctionE73046B7: 'AWS::Lambda::Function',
  ListReportsFunction24B29636: 'AWS::Lambda::Function',
  AuditLogReadFunctionDB0836A4: 'AWS::Lambda::Function',
  CreateCheckpointFunction0CEE37B4: 'AWS::Lambda::Function',
  AuditCheckpointsCheckpointerFunction5A39638F: 'AWS::Lambda::Function',
  EventJobsWorkerFunctionSqsEventSourceTraceSealEventJobsQueue023C49CF4E4A0BA0: 'AWS::Lambda::EventSourceMapping',
  GetScanSummaryFunction7958177D: 'AWS::Lambda::Function',
  ScanRecordsAggregatorFunction2A5B7448: 'AWS::Lambda::Function',
  // Replaced, a new mapping would start again at TRIM_HORIZON (rollups absorb it once, at a cost).
  ScanRecordsAggregatorKinesisEventSourceTraceSealScanRecordsStream61693548F56596CD: 'AWS::Lambda::EventSourceMapping',
  QueryEpcisEventsFunctionDDFC2768: 'AWS::Lambda::Function',
  SpotCheckWriteFunction29B22EBF: 'AWS::Lambda::Function',
  SpotCheckReadFunction1660E3D3: 'AWS::Lambda::Function',
  InboxReadFunctionD096ADD4: 'AWS::Lambda::Function',
  InboxUpdateFunctionD82B5F46: 'AWS::Lambda::Function',
  ScanRulesFunction34ED112C: 'AWS::Lambda::Function',
  ListAlertsFunction0A93C0E6: 'AWS::Lambda::Function',
  ListPartnersFunctionF5396141: 'AWS::Lambda::Function',
  UnblockUnitFunction08FDAE6A: 'AWS::Lambda::Function',
  LabReportsFunctionFC672AB1: 'AWS::Lambda::Function',
  TestReportsFunctionD1B91155: 'AWS::Lambda::Function',
  IssuanceJobsWorkerFunctionC1579E7E: 'AWS::Lambda::Function',
  IssuanceJobsWorkerSqsEventSourceTraceSealIssuanceJobsQueue283A5F212700B897: 'AWS::Lambda::EventSourceMapping',
  AuditExportCreateFunction313C8400: 'AWS::Lambda::Function',
  AuditExportReadFunction47377102: 'AWS::Lambda::Function',
  AuditExportsWorkerFunctionBFF54B8D: 'AWS::Lambda::Function',
  AuditExportsWorkerSqsEventSourceTraceSealAuditExportsQueue2B48238262B389EF: 'AWS::Lambda::EventSourceMapping',
  // A participant's look-up of a verdict (the console's unit story), kept off the scan paths.
  GetVerdictFunction78EDC4D8: 'AWS::Lambda::Function',
};

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
});

describe('logical ids of stateful resources', () => {
  it('keeps every stateful resource under the id it was deployed with', () => {
    const resources = resourcesOf(synth.template);
    for (const [id, type] of Object.entries(STATEFUL_IDS)) expect(resources[id]?.Type, id).toBe(type);
  });

  it('knows every retained resource: a new one is added here on purpose, with its first id', () => {
    const retained = Object.entries(resourcesOf(synth.template))
      .filter(([, resource]) => resource.DeletionPolicy === 'Retain')
      .map(([id]) => id);
    expect(retained.filter((id) => !(id in STATEFUL_IDS))).toEqual([]);
  });

  it('keeps every function and event source mapping under the id it was deployed with', () => {
    const resources = resourcesOf(synth.template);
    for (const [id, type] of Object.entries(IN_PLACE_IDS)) expect(resources[id]?.Type, id).toBe(type);
  });

  it('knows every function: a new one is added here on purpose, with its first id', () => {
    const functions = Object.entries(resourcesOf(synth.template))
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function' || resource.Type === 'AWS::Lambda::EventSourceMapping')
      .map(([id]) => id);
    // CDK's own singleton providers have fixed ids: the custom resource of the bootstrap admin
    // client link, and the uploader of the web apps (BucketDeployment).
    const cdkProviders = ['AWS679f53fac002430cb0da5b7982bd2287', 'CustomCDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C'];
    expect(functions.filter((id) => !(id in IN_PLACE_IDS) && !cdkProviders.some((prefix) => id.startsWith(prefix)))).toEqual([]);
  });
});
