import type { PreTokenGenerationV3TriggerEvent } from 'aws-lambda';
import { SCOPE_PREFIX, scopeForRole } from '#kernel/auth/principal';
import { logger } from '#kernel/logger';
import { getMemberByUserId, getOrganizationIdByClientId, isCurrentMember } from '#registry';

/**
 * Cognito's V3 pre-token-generation trigger. Throwing makes Cognito refuse the request, so
 * no token without a known organization can ever exist.
 *
 * - An API client's token (client credentials): adds the `org_id` of the app client's
 *   organization; a client linked to no organization gets no token.
 * - A person's token (the console's sign-in through the hosted UI, an authentication, a
 *   refresh, a new-password challenge): adds, from the membership as it is now, `org_id`,
 *   `org_admin`, `name` and `email` and the one role scope `traceseal/<role>` to the access
 *   token, and `org_id`, `role` and `org_admin` to the ID token; any other `traceseal/` scope
 *   is suppressed. A person with no current membership (never invited, or removed) gets no
 *   token, and a refresh after a removal fails.
 */
const PERSON_SOURCES = new Set([
  'TokenGeneration_HostedAuth',
  'TokenGeneration_Authentication',
  'TokenGeneration_RefreshTokens',
  'TokenGeneration_NewPasswordChallenge',
  'TokenGeneration_AuthenticateDevice',
]);

type ClaimsAndScopes = PreTokenGenerationV3TriggerEvent['response']['claimsAndScopeOverrideDetails'];

/**
 * Cognito takes strings, numbers, booleans and lists as claim values (the console reads
 * `org_admin` as a boolean); @types/aws-lambda types them as strings only.
 */
type StringMap = Record<string, string>;
const claims = (values: Record<string, string | boolean>): StringMap => values as StringMap;

const forClient = async (event: PreTokenGenerationV3TriggerEvent): Promise<ClaimsAndScopes> => {
  const clientId = event.callerContext?.clientId;
  if (typeof clientId !== 'string' || clientId === '') throw new Error('The token request names no app client');
  const orgId = await getOrganizationIdByClientId(clientId);
  if (orgId === undefined) {
    logger.warn('token refused: app client belongs to no organization', { clientId });
    throw new Error('This app client belongs to no organization');
  }
  const earlier = event.response?.claimsAndScopeOverrideDetails;
  return {
    ...earlier,
    accessTokenGeneration: {
      ...earlier?.accessTokenGeneration,
      // The claim shared/kernel/auth/principal.ts reads.
      claimsToAddOrOverride: { org_id: orgId },
    },
  };
};

const forPerson = async (event: PreTokenGenerationV3TriggerEvent): Promise<ClaimsAndScopes> => {
  const userId = event.request?.userAttributes?.sub;
  if (typeof userId !== 'string' || userId === '') throw new Error('The token request names no user');
  const member = await getMemberByUserId(userId);
  if (member === undefined || !isCurrentMember(member, member.orgId, member.role)) {
    logger.warn('token refused: person is no current member of an organization', { userId, source: event.triggerSource });
    throw new Error('This person belongs to no organization');
  }
  const earlier = event.response?.claimsAndScopeOverrideDetails;
  const roleScope = scopeForRole(member.role);
  // Only the membership's role scope: whatever else of ours was asked for goes.
  const otherRoleScopes = (event.request?.scopes ?? []).filter((scope) => scope.startsWith(SCOPE_PREFIX) && scope !== roleScope);
  return {
    ...earlier,
    accessTokenGeneration: {
      ...earlier?.accessTokenGeneration,
      claimsToAddOrOverride: claims({ org_id: member.orgId, org_admin: member.orgAdmin, name: member.name, email: member.email }),
      scopesToAdd: [roleScope],
      scopesToSuppress: otherRoleScopes,
    },
    idTokenGeneration: {
      ...earlier?.idTokenGeneration,
      claimsToAddOrOverride: claims({ org_id: member.orgId, role: member.role, org_admin: member.orgAdmin, name: member.name }),
    },
  };
};

export const handler = async (event: PreTokenGenerationV3TriggerEvent): Promise<PreTokenGenerationV3TriggerEvent> => {
  const source = event.triggerSource as string;
  let details: ClaimsAndScopes;
  if (source === 'TokenGeneration_ClientCredentials') details = await forClient(event);
  else if (PERSON_SOURCES.has(source)) details = await forPerson(event);
  else throw new Error(`No token for the trigger source ${source}`);
  return { ...event, response: { claimsAndScopeOverrideDetails: details } };
};
