import { fromAsync } from './promise-logic.ts';
import type { SecOpsInput } from '../machines/task.machine.ts';
import type { PolicyRuntime } from '../src/engine/policy-runtime.ts';
import type { Verdict } from '../src/model/verdict.ts';
import type { AutonomyLevel } from '../src/model/autonomy.ts';

/**
 * The `secOps` child actor: judges a proposal with the policy. Evaluation is pure and depends
 * only on the input and the agent's autonomy level, so re-running it after a restore gives the
 * same verdict unless a human or a downgrade changed the level in between (and the verdict of
 * a task that never checkpointed was never acted on). A policy that
 * throws rejects the actor, and the machine denies the task (fail closed).
 *
 * @example taskMachine.provide({ actors: { secOps: createSecOpsActor(policy) } })
 */
export function createSecOpsActor(policy: PolicyRuntime, autonomyFor?: (input: SecOpsInput) => AutonomyLevel) {
  return fromAsync<Verdict, SecOpsInput>((input) => policy.evaluate(input, autonomyFor?.(input)));
}
