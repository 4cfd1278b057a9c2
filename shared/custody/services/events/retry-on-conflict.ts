/**
 * Every custody write is conditional on the revisions it read. When another writer got
 * there first, the use case reads again and judges again, so the loser of a race is told
 * which rule it now breaks; after a few lost races in a row it gives up with a 409.
 */
import { ConflictError } from '#kernel/errors';

export const CONFLICT_RETRIES = 3;

/** What an attempt returns when its conditional write lost to a concurrent one. */
export const LOST_RACE: unique symbol = Symbol('lost race');

/**
 * Runs `attempt` until it returns something other than LOST_RACE: once, then up to
 * CONFLICT_RETRIES more times. `what` names the write in the 409 ("this event").
 */
export const retryOnConflict = async <T>(what: string, attempt: () => Promise<T | typeof LOST_RACE>): Promise<T> => {
  for (let tries = 0; tries <= CONFLICT_RETRIES; tries++) {
    const result = await attempt();
    if (result !== LOST_RACE) return result;
  }
  throw new ConflictError('CONCURRENT_MODIFICATION', `The codes changed while ${what} was recorded; retry`);
};
