import type { Engine } from '../engine/engine-types.ts';
import { ForbiddenError } from '../errors.ts';
import { compareAutonomy } from '../model/autonomy.ts';
import type { Principal } from '../model/principal.ts';

/**
 * The department a submission over HTTP is filed under. A department takes that department's
 * autonomy level, so it must not be the request's to choose: an agent whose token names a
 * department submits for that one only (it is the default); an agent whose token names none may
 * name one only if that does not loosen its autonomy (a department can tighten, never loosen,
 * what an unbound agent may do).
 * @throws ForbiddenError
 * @example const department = await departmentOf(engine, principal, body.department);
 */
export async function departmentOf(engine: Engine, principal: Principal, requested: string | undefined): Promise<string | undefined> {
  if (principal.department !== undefined) {
    if (requested !== undefined && requested !== principal.department) {
      throw new ForbiddenError(`${principal.id} belongs to department ${principal.department} (its token) and may not submit for ${requested}`);
    }
    return principal.department;
  }
  if (requested === undefined) return undefined;
  const own = await engine.autonomyOf(principal.id);
  const named = await engine.autonomyOf(principal.id, requested);
  if (compareAutonomy(named, own) > 0) {
    throw new ForbiddenError(
      `department ${requested} would give ${principal.id} a looser autonomy level (${named}) than its own (${own}); only an agent whose token names that department may submit for it`,
    );
  }
  return requested;
}
