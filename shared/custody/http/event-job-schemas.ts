/** Event jobs: a POST /v1/events call that did not fit in its time, finished by a worker. */
import { z } from 'zod';
import { EventResultSummary, EventResults } from './schemas';

const EventResultList = EventResults.shape.results;

export const EventJobAccepted = z
  .object({
    jobId: z.uuid(),
    status: z.literal('running'),
    results: EventResultList.describe('Results of the events recorded before the call ran out of time, from index 0'),
    summary: EventResultSummary.describe('Of the results above'),
    pending: z.number().int().describe('Events left to the job; GET the Location header for their results'),
  })
  .meta({ id: 'EventJobAccepted' });

export const EventJobParams = z.strictObject({ jobId: z.uuid() });

export const EventJobQuery = z.strictObject({
  cursor: z.string().max(2048).optional().describe('From the previous page (opaque)'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const EventJob = z
  .object({
    jobId: z.uuid(),
    status: z.enum(['running', 'done', 'failed']),
    total: z.number().int().describe('Events in the call'),
    processed: z.number().int().describe('Events with a result, the first `processed` of the call'),
    pending: z.number().int(),
    summary: EventResultSummary.describe('Of all results so far'),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    completedAt: z.iso.datetime().optional(),
    error: z
      .object({ code: z.string(), message: z.string() })
      .optional()
      .describe('failed: why the job stopped; events from `processed` on were not recorded'),
    results: EventResultList.describe('One page of results, in call order (index is the position in the call)'),
    cursor: z.string().optional().describe('The next page; while running, poll with it for results to come'),
  })
  .meta({ id: 'EventJob' });
