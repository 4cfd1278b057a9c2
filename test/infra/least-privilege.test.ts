import { describe, expect, it } from 'vitest';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import { recordsActivity } from '#kernel/http/route-definition';
import { ALL_ROUTES } from '#shared/app/routes';
import { HTTP_FUNCTIONS } from '../../infra/constructs/route-functions';
import { JWKS_READ_KEYS, VERIFY_READ_KEYS } from '../../infra/constructs/table-access';
import { inspect, logicalIdOf, synthesize } from './synth';
import { actionsOf, type PolicyStatement, resourcesOfType } from './template-helpers';

const HTTP_FUNCTION_NAMES = [...new Set(ALL_ROUTES.map((route) => route.functionName))];
const ALL_FUNCTION_NAMES = [
  ...HTTP_FUNCTION_NAMES,
  'rotate-signing-key',
  'add-org-claim',
  'authorize-request',
  'process-event-job',
];
const SIGNING_FUNCTION_NAMES = HTTP_FUNCTION_NAMES.filter((name) => HTTP_FUNCTIONS[name]?.signsCodes === true);
const READ = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'];
const WRITE = /^dynamodb:(Put|Update|Delete|BatchWrite|TransactWrite)/;
const TABLE = { 'Fn::GetAtt': [MAIN_TABLE.logicalId, 'Arn'] };

const synth = synthesize();
const { fn, statementsOf, allActionsOf, environmentOf } = inspect(synth);
const tableStatementsOf = (name: string): PolicyStatement[] =>
  statementsOf(name).filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));

describe('least privilege', () => {
  it('signs codes only in the issuing functions (and audit tree heads on demand)', () => {
    expect(SIGNING_FUNCTION_NAMES.sort()).toEqual(['create-batch', 'create-checkpoint', 'create-containers']);
  });

  it('attaches no managed policy to any role', () => {
    for (const [id, role] of resourcesOfType(synth.template, 'AWS::IAM::Role')) {
      expect(role.Properties?.ManagedPolicyArns, id).toBeUndefined();
    }
  });

  it('lets each function write logs only to its own log group', () => {
    for (const name of ALL_FUNCTION_NAMES) {
      const logs = statementsOf(name).filter((s) => actionsOf(s).some((a) => a.startsWith('logs:')));
      expect(logs, name).toEqual([
        expect.objectContaining({
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logicalIdOf(fn(name).logGroup), 'Arn'] },
        }),
      ]);
    }
  });

  it('lets verify-code, get-verdict and get-jwks only read the table, and nothing else', () => {
    for (const name of ['verify-code', 'get-verdict', 'get-jwks']) {
      expect(
        allActionsOf(name)
          .filter((a) => !a.startsWith('logs:'))
          .sort(),
        name,
      ).toEqual(READ);
    }
  });

  // On a Query of a GSI, LeadingKeys is the index's partition key: no index may be granted.
  it('lets the verdict functions read only the partitions a verification needs, on the table and no index', () => {
    for (const [name, keys] of [
      ['verify-code', VERIFY_READ_KEYS],
      ['get-verdict', VERIFY_READ_KEYS],
      ['get-jwks', JWKS_READ_KEYS],
    ] as const) {
      expect(tableStatementsOf(name), name).toEqual([
        expect.objectContaining({
          Resource: TABLE,
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...keys] } },
        }),
      ]);
    }
  });

  it('keeps organizations’ private partitions out of the verification keys', () => {
    expect(
      (VERIFY_READ_KEYS as readonly string[]).some((k) => /^(CLIENT|IDEMPOTENCY|EVENT|LICENSE|BATCH)/.test(k) || k === '*'),
    ).toBe(false);
  });

  it('lets the rotation touch only the signing key items', () => {
    expect(tableStatementsOf('rotate-signing-key')).toEqual([
      expect.objectContaining({
        Action: ['dynamodb:PutItem', 'dynamodb:Query'],
        Resource: TABLE,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SIGNING_KEYS'] } },
      }),
    ]);
  });

  it("lets every function of a private write route put its organization's activity record, and no other function", () => {
    const writers = new Set(ALL_ROUTES.filter(recordsActivity).map((route) => route.functionName));
    const activityPut = expect.objectContaining({
      Action: 'dynamodb:PutItem',
      Resource: TABLE,
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ACTIVITY#*'] } },
    });
    for (const name of HTTP_FUNCTION_NAMES) {
      const mayPutAnywhere = HTTP_FUNCTIONS[name]?.tableAccess === 'readWrite';
      if (writers.has(name) && !mayPutAnywhere) expect(tableStatementsOf(name), name).toContainEqual(activityPut);
      if (!writers.has(name)) expect(tableStatementsOf(name), name).not.toContainEqual(activityPut);
    }
    // The people's functions: memberships and user links (people's), the activity partition (read only).
    expect(tableStatementsOf('manage-org-users')).toEqual([
      expect.objectContaining({
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ORG#*', 'USER#*'] } },
      }),
      activityPut,
    ]);
    expect(tableStatementsOf('list-org-activity')).toEqual([
      expect.objectContaining({
        Action: READ,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ACTIVITY#*'] } },
      }),
    ]);
    expect(statementsOf('manage-org-users')).toContainEqual(
      expect.objectContaining({
        Action: ['cognito-idp:AdminCreateUser', 'cognito-idp:AdminDeleteUser', 'cognito-idp:AdminDisableUser'],
        Resource: { 'Fn::GetAtt': [logicalIdOf(synth.stack.userPool), 'Arn'] },
      }),
    );
  });

  it("lets the token trigger read only app-client links, people's links and memberships, one item at a time", () => {
    expect(tableStatementsOf('add-org-claim')).toEqual([
      expect.objectContaining({
        Action: 'dynamodb:GetItem',
        Resource: TABLE,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CLIENT#*', 'USER#*', 'ORG#*'] } },
      }),
    ]);
  });

  it('lets the authorizer read only organization items, one at a time (registered, and in which role)', () => {
    expect(tableStatementsOf('authorize-request')).toEqual([
      expect.objectContaining({
        Action: 'dynamodb:GetItem',
        Resource: TABLE,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ORG#*'] } },
      }),
    ]);
  });

  it('keeps the signing key away from every function but the issuing ones and the rotation', () => {
    const signingKeyIds = [logicalIdOf(synth.stack.signingKeySecret), logicalIdOf(synth.stack.signingKey.encryptionKey)];
    const secretReaders = ALL_FUNCTION_NAMES.filter((name) =>
      statementsOf(name).some(
        (s) =>
          actionsOf(s).some((a) => a.startsWith('secretsmanager:') || a.startsWith('kms:')) &&
          signingKeyIds.some((id) => JSON.stringify(s.Resource).includes(`"${id}"`)),
      ),
    );
    expect(secretReaders.sort()).toEqual([...SIGNING_FUNCTION_NAMES, 'rotate-signing-key'].sort());
  });

  it('names no other function’s role in the signing key’s key policy', () => {
    const principals = JSON.stringify(
      resourcesOfType(synth.template, 'AWS::KMS::Key').map(([, key]) => key.Properties?.KeyPolicy),
    );
    for (const name of ALL_FUNCTION_NAMES.filter((n) => ![...SIGNING_FUNCTION_NAMES, 'rotate-signing-key'].includes(n))) {
      expect(principals.includes(logicalIdOf(fn(name).role)), name).toBe(false);
    }
  });

  it('lets the issuing functions read the signing key secret and decrypt it through Secrets Manager only', () => {
    const secretId = logicalIdOf(synth.stack.signingKeySecret);
    const keyStatements = resourcesOfType(synth.template, 'AWS::KMS::Key').flatMap(
      ([, key]) => (key.Properties?.KeyPolicy as { Statement: PolicyStatement[] }).Statement,
    );
    for (const name of SIGNING_FUNCTION_NAMES) {
      expect(environmentOf(name).SIGNING_KEY_SECRET_ID, name).toEqual({ Ref: secretId });
      expect(statementsOf(name), name).toContainEqual(
        expect.objectContaining({
          Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
          Resource: { Ref: secretId },
        }),
      );
      const decrypt = keyStatements.filter(
        (statement) =>
          statement.Action === 'kms:Decrypt' &&
          JSON.stringify(statement.Principal).includes(`"${logicalIdOf(fn(name).role)}"`) &&
          JSON.stringify(statement.Condition).includes('kms:ViaService'),
      );
      expect(decrypt, name).toHaveLength(1);
      expect(allActionsOf(name), name).not.toContain('secretsmanager:PutSecretValue');
    }
  });

  it('lets only the spot-check write function read the key of spot-check service salts', () => {
    const [[saltKeyId] = []] = resourcesOfType(synth.template, 'AWS::SecretsManager::Secret').filter(([id]) =>
      id.startsWith('SpotCheckSaltKey'),
    );
    expect(saltKeyId).toBeDefined();
    expect(environmentOf('manage-spot-checks').SPOT_CHECK_SALT_SECRET_ID).toEqual({ Ref: saltKeyId });
    for (const name of ALL_FUNCTION_NAMES) {
      const reads = statementsOf(name).filter((statement) => JSON.stringify(statement.Resource).includes(`"${saltKeyId}"`));
      expect(reads.length > 0, name).toBe(name === 'manage-spot-checks');
    }
  });

  it('gives get-openapi nothing but its log group', () => {
    expect(allActionsOf('get-openapi').filter((a) => !a.startsWith('logs:'))).toEqual([]);
  });

  it('lets no function delete items, scan or use a wildcard action', () => {
    for (const name of ALL_FUNCTION_NAMES) {
      expect(
        allActionsOf(name).filter((a) => /Delete(Item|Table)|Scan|\*/.test(a)),
        name,
      ).toEqual([]);
    }
  });

  it('lets only the readWrite functions write to the table', () => {
    for (const name of [
      ...HTTP_FUNCTION_NAMES.filter((n) => {
        const access = HTTP_FUNCTIONS[n]?.tableAccess;
        // A keyed access names its own write actions, on its own partitions only (create-report).
        return access !== 'readWrite' && !(typeof access === 'object' && (access.actions ?? []).some((a) => WRITE.test(a)));
      }),
      'add-org-claim',
    ]) {
      expect(
        allActionsOf(name).some((a) => WRITE.test(a)),
        name,
      ).toBe(false);
    }
  });

  it('lets no function change the API: adding an organization changes nothing in it', () => {
    for (const name of ALL_FUNCTION_NAMES)
      expect(
        allActionsOf(name).filter((a) => a.startsWith('apigateway:')),
        name,
      ).toEqual([]);
  });
});
