import { fromAsync } from './promise-logic.ts';
import type { SecOpsInput } from '../machines/task.machine.ts';
import type { PolicyRuntime } from '../src/engine/policy-runtime.ts';
import type { Verdict } from '../src/model/verdict.ts';

/**
 * The `secOps` child actor: judges a proposal with the policy. Evaluation is pure and depends
 * only on the input, so re-running it after a restore gives the same verdict. A policy that
 * throws rejects the actor, and the machine denies the task (fail closed).
 *
 * @example taskMachine.provide({ actors: { secOps: createSecOpsActor(policy) } })
 */
export function createSecOpsActor(policy: PolicyRuntime) {
  return fromAsync<Verdict, SecOpsInput>((input) => policy.evaluate(input));
}
