import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventSourceMapping, type Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { jobQueues } from './job-queues';
import { logicalIdAt, pathInStack, pinLogicalId } from './pin';
import { TraceSealFunction } from './traceseal-function';

/** The worker's environment variable that names the queue (shared/custody/services/event-job-dispatcher.ts). */
export const EVENT_JOBS_QUEUE_URL_ENV = 'EVENT_JOBS_QUEUE_URL';

export interface EventJobsProps {
  /** The table event jobs are stored in (and the custody data the worker records into). */
  readonly table: ITableV2;
  /**
   * How long one worker run may take; each run stops with a safety margin and queues the
   * rest of its job. Longer runs mean fewer hand-overs, and a longer wait for a job whose
   * run crashed (its message reappears after the visibility timeout).
   * @default Duration.minutes(3)
   */
  readonly workerTimeout?: Duration;
  /**
   * Memory of the worker in MB (CPU is allotted in proportion).
   * @default 1024
   */
  readonly workerMemorySize?: number;
  /**
   * Most worker runs at once, so that a burst of big calls cannot take the account's
   * Lambda concurrency or the table's capacity from the API. SQS event sources accept 2 to 1000.
   * @default 10
   */
  readonly maxConcurrency?: number;
  /**
   * Deliveries of a message whose runs keep failing before it goes to the dead-letter
   * queue. The worker retries a failing job itself (3 runs, then the job is marked failed),
   * so a message only gets here when even that bookkeeping fails: the table is down.
   * @default 5
   */
  readonly maxReceiveCount?: number;
}

/**
 * Event jobs: the rest of a `POST /v1/events` call that did not fit in the 29 s an HTTP
 * call has. `record-events` stores the job in the table and sends its id to `queue`;
 * the `process-event-job` function (`worker`) records the events in order and sends the
 * id again when its own time runs low. Both queues are encrypted and refuse plain HTTP;
 * messages that keep failing end in `deadLetterQueue` for an operator.
 *
 * The queues hold job ids only, never events or results (those are in the retained
 * table), so they are destroyed with the stack.
 */
export class EventJobs extends Construct {
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly worker: TraceSealFunction;

  public constructor(scope: Construct, id: string, props: EventJobsProps) {
    super(scope, id);
    const workerTimeout = props.workerTimeout ?? Duration.minutes(3);
    const maxConcurrency = props.maxConcurrency ?? 10;
    const maxReceiveCount = props.maxReceiveCount ?? 5;
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 2 || maxConcurrency > 1000) {
      throw new Error(`EventJobs ${id}: maxConcurrency must be an integer from 2 to 1000`);
    }
    if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
      throw new Error(`EventJobs ${id}: maxReceiveCount must be an integer from 1 to 1000`);
    }
    // AWS's advice for an SQS event source: at least six times the function timeout, so a
    // message is not delivered again while a run (and the poller's retries) still has it.
    const visibilityTimeout = Duration.seconds(Math.max(6 * workerTimeout.toSeconds(), 30));
    if (visibilityTimeout.toSeconds() > 12 * 60 * 60) {
      throw new Error(`EventJobs ${id}: workerTimeout is too long for SQS's 12-hour visibility timeout`);
    }

    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue } = jobQueues(this, { visibilityTimeout, maxReceiveCount }));

    this.worker = new TraceSealFunction(this, 'Worker', {
      name: 'process-event-job',
      description: 'TraceSeal event jobs: records the events of a POST /v1/events call that ran out of time',
      memorySize: props.workerMemorySize ?? 1024,
      timeout: workerTimeout,
      table: props.table,
    });
    // What record-events has: it records the same events, item reads and writes, no deletes.
    this.worker.grantTable('readWrite');
    this.worker.addEventSource(new SqsEventSource(this.queue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency }));
    // Lambda refuses a second mapping of the same queue to the same function, so a mapping
    // whose logical id changed could not be created before the old one is deleted: it
    // keeps the id it had under the worker's former `Function` child (see TraceSealFunction).
    for (const mapping of this.worker.node.children.filter((child) => child instanceof EventSourceMapping)) {
      pinLogicalId(mapping, logicalIdAt([...pathInStack(this.worker), 'Function', mapping.node.id, 'Resource']));
    }
    // A run that runs low on time queues the rest of its job itself.
    this.grantEnqueue(this.worker);
  }

  /** Lets a function queue jobs: the send permission and the queue's URL in its environment. */
  public grantEnqueue(fn: LambdaFunction): void {
    this.queue.grantSendMessages(fn);
    fn.addEnvironment(EVENT_JOBS_QUEUE_URL_ENV, this.queue.queueUrl);
  }
}
