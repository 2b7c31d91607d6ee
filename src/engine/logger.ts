import { pino, type Logger } from 'pino';

/**
 * The library's default logger: silent unless TOLLGATE_LOG_LEVEL is set, so embedding Tollgate
 * prints nothing by surprise. Hosts pass their own pino logger to `createEngine`.
 * @example const logger = createLogger('info');
 */
export function createLogger(level: string = process.env.TOLLGATE_LOG_LEVEL ?? 'silent'): Logger {
  return pino({ level, base: { service: 'tollgate' } });
}

export type { Logger };
