import type { PreTokenGenerationV3TriggerEvent } from 'aws-lambda';
import { logger } from '#kernel/logger';
import { getOrganizationIdByClientId } from '#registry';

/**
 * Cognito's V3 pre-token-generation trigger, run for every client-credentials token: it
 * adds the `org_id` claim of the app client's organization. A client linked to no
 * organization gets no token at all (throwing makes Cognito refuse the request), so a
 * token without a known organization can never exist.
 */
export const handler = async (event: PreTokenGenerationV3TriggerEvent): Promise<PreTokenGenerationV3TriggerEvent> => {
  const clientId = event.callerContext?.clientId;
  if (typeof clientId !== 'string' || clientId === '') throw new Error('The token request names no app client');
  const orgId = await getOrganizationIdByClientId(clientId);
  if (orgId === undefined) {
    logger.warn('token refused: app client belongs to no organization', { clientId });
    throw new Error('This app client belongs to no organization');
  }
  return {
    ...event,
    response: {
      claimsAndScopeOverrideDetails: {
        ...event.response?.claimsAndScopeOverrideDetails,
        accessTokenGeneration: {
          ...event.response?.claimsAndScopeOverrideDetails?.accessTokenGeneration,
          // The claim shared/kernel/auth/principal.ts reads.
          claimsToAddOrOverride: { org_id: orgId },
        },
      },
    },
  };
};
