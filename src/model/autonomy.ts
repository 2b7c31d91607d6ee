import { z } from 'zod';

/** Autonomy levels, most restricted first. The company default is `semi`. */
export const AUTONOMY_LEVELS = ['locked', 'supervised', 'semi', 'full'] as const;

/** How much an agent may do without a human: `locked < supervised < semi < full`. */
export const AutonomyLevel = z.enum(AUTONOMY_LEVELS);
export type AutonomyLevel = z.infer<typeof AutonomyLevel>;

/**
 * Orders two autonomy levels.
 * @example compareAutonomy('full', 'semi') > 0 // true
 */
export function compareAutonomy(a: AutonomyLevel, b: AutonomyLevel): number {
  return AUTONOMY_LEVELS.indexOf(a) - AUTONOMY_LEVELS.indexOf(b);
}
