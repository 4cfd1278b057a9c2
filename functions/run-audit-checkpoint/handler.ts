import { appendAndCheckpoint, recordedEventSource } from '#audit';
import { AppError } from '#kernel/errors';
import { logger } from '#kernel/logger';

/**
 * The hourly EventBridge run. A run that finds another still holding the log has nothing to
 * do: the other signs the head, so it ends quietly rather than failing into a retry. A log
 * that no longer extends its witnessed head fails the run (the function's error alarm).
 */
export const handler = async (): Promise<{ appended: number; treeSize: number } | { skipped: true }> => {
  try {
    const { appended, head } = await appendAndCheckpoint({ source: recordedEventSource });
    logger.info('checkpoint signed', { appended, treeSize: head.treeSize, rootHash: head.rootHash });
    return { appended, treeSize: head.treeSize };
  } catch (error) {
    if (error instanceof AppError && error.code === 'CHECKPOINT_RUNNING') return { skipped: true };
    throw error;
  }
};
