import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * A job queue and its dead-letter queue, as every worker of ours has them: encrypted, TLS
 * only, a message kept 14 days once it failed `maxReceiveCount` times. Made in the caller's
 * scope under the ids `Queue` and `DeadLetterQueue`, so constructs that made them inline
 * keep their logical ids.
 */
export const jobQueues = (
  scope: Construct,
  props: { visibilityTimeout: Duration; maxReceiveCount?: number },
): { queue: Queue; deadLetterQueue: Queue } => {
  const deadLetterQueue = new Queue(scope, 'DeadLetterQueue', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const queue = new Queue(scope, 'Queue', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout: props.visibilityTimeout,
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
  });
  return { queue, deadLetterQueue };
};
