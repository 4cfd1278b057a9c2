import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { getOptionalStringFromEnv } from '#kernel/config';
import { ConflictError } from '#kernel/errors';
import { logger } from '#kernel/logger';
import { normalizeEmail } from '../domain/members';
import { addAccount, deleteAccount } from '../store/local-account-file';

/**
 * Where people sign in: the port the member service invites and removes people through.
 * In AWS the Cognito user pool (USER_POOL_ID): an invitation is AdminCreateUser, and
 * Cognito mails the person a temporary password; a removal disables the user at once and
 * then deletes it. Locally (LOCAL_ACCOUNTS_FILE) the local OpenID provider's account file.
 */
export interface IdentityDirectory {
  /** Creates the person's sign-in and answers its user id (the `sub` of its tokens). */
  createUser(input: { email: string; name: string }): Promise<{ userId: string }>;
  /** Ends the person's sign-in: no new sign-in, no refresh. */
  deleteUser(input: { userId: string; email: string }): Promise<void>;
}

let cognitoClient: CognitoIdentityProviderClient | undefined;
const cognito = () => (cognitoClient ??= new CognitoIdentityProviderClient({}));

const cognitoDirectory = (userPoolId: string): IdentityDirectory => ({
  async createUser({ email, name }) {
    try {
      const { User } = await cognito().send(
        new AdminCreateUserCommand({
          UserPoolId: userPoolId,
          // The pool signs in by username: the person's email, in one spelling.
          Username: normalizeEmail(email),
          UserAttributes: [
            { Name: 'email', Value: normalizeEmail(email) },
            // The admin who invites vouches for the address Cognito mails the password to.
            { Name: 'email_verified', Value: 'true' },
            { Name: 'name', Value: name },
          ],
          DesiredDeliveryMediums: ['EMAIL'],
        }),
      );
      const userId = User?.Attributes?.find((attribute) => attribute.Name === 'sub')?.Value;
      if (userId === undefined) throw new Error('Cognito created a user without sub');
      return { userId };
    } catch (error) {
      if (error instanceof Error && error.name === 'UsernameExistsException') {
        throw new ConflictError('USER_EXISTS', `A person with the email ${normalizeEmail(email)} already exists`);
      }
      throw error;
    }
  },
  async deleteUser({ email }) {
    const Username = normalizeEmail(email);
    await cognito().send(new AdminDisableUserCommand({ UserPoolId: userPoolId, Username }));
    await cognito().send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username }));
  },
});

const localDirectory = (file: string): IdentityDirectory => ({
  async createUser({ email }) {
    const { account } = await addAccount(file, email);
    // Cognito would mail it; locally it waits in the 0600 account file under DATA_DIR.
    logger.info('local sign-in created: the temporary password is in the local account file', { email: account.email });
    return { userId: account.userId };
  },
  deleteUser: ({ userId }) => deleteAccount(file, userId),
});

/** Chosen by configuration: the user pool in AWS, the local account file under `npm start`. */
export const identityDirectory = (): IdentityDirectory => {
  const userPoolId = getOptionalStringFromEnv('USER_POOL_ID');
  if (userPoolId !== undefined) return cognitoDirectory(userPoolId);
  const file = getOptionalStringFromEnv('LOCAL_ACCOUNTS_FILE');
  if (file !== undefined) return localDirectory(file);
  throw new Error('Set USER_POOL_ID (AWS) or LOCAL_ACCOUNTS_FILE (local) to manage people');
};
