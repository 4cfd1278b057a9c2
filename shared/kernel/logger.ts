/**
 * Structured JSON logs. Callers pass only what is safe to keep: never request bodies,
 * tokens or key material.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';

const write = (level: Level, message: string, fields: Record<string, unknown> = {}): void => {
  if (process.env.LOG_LEVEL === 'silent') return;
  const line = JSON.stringify({ level, message, time: new Date().toISOString(), ...fields });
  if (level === 'error' || level === 'warn') console.error(line);
  else console.log(line);
};

export const logger = {
  info: (message: string, fields?: Record<string, unknown>) => write('info', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('warn', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write('error', message, fields),
};
