import type { AutonomySetting } from './autonomy-setting.ts';
import type { JsonObject } from './json.ts';

// Kept apart from the setting's zod schema: the SQLite writer thread needs this, not zod.

/**
 * What an autonomy change's audit entry records (the same on every store, so the chain is comparable).
 * @example autonomyAuditData(setting) // { scope: 'agent', subject: 'bot', level: 'locked', previous: 'semi', reason: '…' }
 */
export function autonomyAuditData(setting: AutonomySetting): JsonObject {
  const data: JsonObject = { scope: setting.scope, subject: setting.subject, level: setting.level, previous: setting.previous, reason: setting.reason };
  if (setting.cause !== undefined) data.cause = setting.cause;
  return data;
}
