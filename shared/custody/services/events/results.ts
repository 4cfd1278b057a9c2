/**
 * A result per event (see docs/custody.md): recorded, duplicate, or rejected with the error a
 * caller may see. Only AppErrors meant for the caller become rejections; anything else is
 * our bug and propagates, to become an opaque 500.
 */
import { AppError } from '#kernel/errors';

export interface EventResult {
  index: number;
  status: 'recorded' | 'duplicate' | 'rejected';
  eventId?: string;
  error?: { status: number; code: string; message: string; details?: unknown };
  /** Error declarations: the results of their corrective events. */
  corrective?: EventResult[];
}

export const rejection = (error: unknown): EventResult => {
  if (!(error instanceof AppError) || !error.expose) throw error;
  return {
    index: 0,
    status: 'rejected',
    error: {
      status: error.statusCode,
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  };
};
