import { ApiGatewayV2Client, GetAuthorizerCommand, UpdateAuthorizerCommand } from '@aws-sdk/client-apigatewayv2';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { getOptionalStringFromEnv, getStringFromEnv } from '../config';
import type { Organization } from '../domain/types';
import { ConflictError } from '../errors';
import { logger } from '../logger';
import { linkOrganizationClient } from '../store/org-repository';
import { scopeForRole } from './principal';

/**
 * In AWS every organization gets its own Cognito app client (client-credentials grant,
 * one role scope). Three things make its tokens work, in this order:
 *  1. the app client itself, allowed only `traceseal/{role}`;
 *  2. the clientId -> organization link the pre-token-generation trigger turns into `org_id`;
 *  3. the client id in the audience of the HTTP API's JWT authorizer, which rejects tokens
 *     of any client it does not list.
 * Locally (no USER_POOL_ID) there is nothing to provision: `npm run token` mints tokens.
 */
export interface OrganizationCredentials {
  clientId: string;
  /** Shown once, in the create-org response; nothing stores it outside Cognito. */
  clientSecret: string;
  tokenUrl: string;
}

/** API Gateway's fixed quota (not adjustable): audiences per JWT authorizer. */
export const MAX_JWT_AUDIENCES = 50;
/** Re-reads after each write, so a concurrent create-org cannot silently drop our client id. */
const AUDIENCE_ATTEMPTS = 5;

interface AwsSettings {
  userPoolId: string;
  apiId: string;
  authorizerId: string;
  tokenUrl: string;
}

const awsSettings = (): AwsSettings | undefined => {
  const userPoolId = getOptionalStringFromEnv('USER_POOL_ID');
  if (userPoolId === undefined) return undefined;
  return {
    userPoolId,
    apiId: getStringFromEnv({ key: 'HTTP_API_ID' }),
    authorizerId: getStringFromEnv({ key: 'JWT_AUTHORIZER_ID' }),
    tokenUrl: getStringFromEnv({ key: 'TOKEN_URL' }),
  };
};

let cognitoClient: CognitoIdentityProviderClient | undefined;
let apiGatewayClient: ApiGatewayV2Client | undefined;
const cognito = () => (cognitoClient ??= new CognitoIdentityProviderClient({}));
const apiGateway = () => (apiGatewayClient ??= new ApiGatewayV2Client({}));

const readJwtConfiguration = async ({ apiId, authorizerId }: AwsSettings) => {
  const { JwtConfiguration } = await apiGateway().send(new GetAuthorizerCommand({ ApiId: apiId, AuthorizerId: authorizerId }));
  return { audience: JwtConfiguration?.Audience ?? [], issuer: JwtConfiguration?.Issuer };
};

const capacityError = () =>
  new ConflictError(
    'CLIENT_LIMIT_REACHED',
    `The API's JWT authorizer accepts at most ${MAX_JWT_AUDIENCES} app clients, and all are in use`,
  );

/**
 * Checked before the organization is written, so that a full authorizer refuses the
 * registration instead of leaving an organization that can never get a token.
 */
export const assertOrganizationClientCapacity = async (): Promise<void> => {
  const settings = awsSettings();
  if (settings === undefined) return;
  const { audience } = await readJwtConfiguration(settings);
  if (audience.length >= MAX_JWT_AUDIENCES) throw capacityError();
};

/** UpdateAuthorizer replaces the whole list: read, append, write, then confirm it stuck. */
const addToAudience = async (settings: AwsSettings, clientId: string): Promise<void> => {
  for (let attempt = 0; attempt < AUDIENCE_ATTEMPTS; attempt++) {
    const { audience, issuer } = await readJwtConfiguration(settings);
    if (audience.includes(clientId)) return;
    if (audience.length >= MAX_JWT_AUDIENCES) throw capacityError();
    await apiGateway().send(
      new UpdateAuthorizerCommand({
        ApiId: settings.apiId,
        AuthorizerId: settings.authorizerId,
        JwtConfiguration: { Issuer: issuer, Audience: [...audience, clientId] },
      }),
    );
  }
  throw new Error(`Could not add app client ${clientId} to the JWT authorizer audience`);
};

export const provisionOrganizationClient = async (org: Organization): Promise<OrganizationCredentials | undefined> => {
  const settings = awsSettings();
  if (settings === undefined) return undefined;

  const { UserPoolClient: client } = await cognito().send(
    new CreateUserPoolClientCommand({
      UserPoolId: settings.userPoolId,
      ClientName: org.id,
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: [scopeForRole(org.role)],
      AllowedOAuthFlowsUserPoolClient: true,
      // No user sign-in flows: these clients only ever use the client-credentials grant.
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      AccessTokenValidity: 60,
      TokenValidityUnits: { AccessToken: 'minutes' },
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
    }),
  );
  const clientId = client?.ClientId;
  const clientSecret = client?.ClientSecret;
  if (clientId === undefined || clientSecret === undefined) throw new Error('Cognito created an app client without id or secret');

  try {
    await linkOrganizationClient(org.id, clientId);
    await addToAudience(settings, clientId);
  } catch (error) {
    // A client the authorizer does not accept is useless, and app clients per pool are a
    // quota: remove it. A stale link to a deleted client id is harmless (ids are never reused).
    await cognito()
      .send(new DeleteUserPoolClientCommand({ UserPoolId: settings.userPoolId, ClientId: clientId }))
      .catch((cleanupError: unknown) =>
        logger.error('could not delete an app client after a failed provisioning', {
          orgId: org.id,
          clientId,
          error: cleanupError instanceof Error ? cleanupError.name : String(cleanupError),
        }),
      );
    throw error;
  }
  logger.info('provisioned an app client', { orgId: org.id, clientId, role: org.role });
  return { clientId, clientSecret, tokenUrl: settings.tokenUrl };
};
