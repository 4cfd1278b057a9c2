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
  // Retained resources added since (their first ids, kept from now on).
  IdentityAuthorizerLogGroup8A3308D0: 'AWS::Logs::LogGroup',
  GetEventJobLogGroup3D7C7D7A: 'AWS::Logs::LogGroup',
  EventJobsWorkerLogGroup1C963B48: 'AWS::Logs::LogGroup',
};

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize({}, { cloudFormationValidation: false });
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
});
