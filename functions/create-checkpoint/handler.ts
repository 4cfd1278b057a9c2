import { appendAndCheckpoint, publicHead, recordedEventSource } from '#audit';
import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { ROUTES } from '#shared/app/routes';

/** An HTTP call has 29 s: it appends at most this many events, the hourly run the rest. */
const MAX_EVENTS_PER_CALL = 20_000;

export const handler = createHandler(ROUTES.createCheckpoint, async () => {
  const { appended, head, settling, more } = await appendAndCheckpoint({
    source: recordedEventSource,
    maxEvents: MAX_EVENTS_PER_CALL,
  });
  return json(201, { appended, settling, more, checkpoint: publicHead(head) });
});
