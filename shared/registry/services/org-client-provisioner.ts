import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { scopeForRole } from '#kernel/auth/principal';
import { getOptionalStringFromEnv, getStringFromEnv } from '#kernel/config';
import { logger } from '#kernel/logger';
import type { Organization } from '../domain/registry';
import { linkOrganizationClient } from '../store/org-repository';

/**
 * In AWS every organization gets its own Cognito app client (client-credentials grant,
 * one role scope). Two things make its tokens work, in this order:
 *  1. the app client itself, allowed only `traceseal/{role}`;
 *  2. the clientId -> organization link the pre-token-generation trigger turns into `org_id`.
 * Nothing about the API changes: its Lambda authorizer accepts any access token of the pool
 * that carries one role scope and an `org_id`, so there is no list of clients to keep and
 * no limit on their number but Cognito's app clients per pool.
 * Locally (no USER_POOL_ID) there is nothing to provision: `npm run token` mints tokens.
 */
export interface OrganizationCredentials {
  clientId: string;
  /** Shown once, in the create-org response; nothing stores it outside Cognito. */
  clientSecret: string;
  tokenUrl: string;
}

interface AwsSettings {
  userPoolId: string;
  tokenUrl: string;
}

const awsSettings = (): AwsSettings | undefined => {
  const userPoolId = getOptionalStringFromEnv('USER_POOL_ID');
  if (userPoolId === undefined) return undefined;
  return { userPoolId, tokenUrl: getStringFromEnv({ key: 'TOKEN_URL' }) };
};

let cognitoClient: CognitoIdentityProviderClient | undefined;
const cognito = () => (cognitoClient ??= new CognitoIdentityProviderClient({}));

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
  } catch (error) {
    // A client whose tokens can never carry an org_id is useless, and app clients per pool
    // are a quota: remove it.
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
