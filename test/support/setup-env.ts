import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';

/**
 * Runs in each test file's worker before the file is imported: the DynamoDB endpoint and a
 * table name of the file's own, set the way Lambda sets environment variables.
 */
process.env.AWS_ENDPOINT_URL_DYNAMODB = inject('dynamoEndpoint');
process.env.AWS_REGION ??= 'local';
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
process.env.TABLE_NAME = `test-${randomUUID()}`;
process.env.LOG_LEVEL ??= 'silent';
