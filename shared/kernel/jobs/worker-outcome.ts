/**
 * How one run of a queued job ended, for whichever queue carries it: finished (done, failed,
 * or nothing left to do), to be continued at once, or to be retried after a delay.
 */
export type WorkerOutcome =
  | { kind: 'done' | 'failed' | 'busy' | 'gone' | 'superseded' }
  | { kind: 'continue' }
  | { kind: 'retry'; delaySeconds: number };
