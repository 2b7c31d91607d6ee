export { DEFAULT_POLICY } from './default-policy.ts';
export { DEFAULT_DETECTORS, scanStrings, type Detector, type Finding, type ScannedString, type Severity } from './detectors/index.ts';
export { compilePolicy, type CompiledPolicy, type EvaluationInput } from './evaluate.ts';
export { loadPolicyFile, parsePolicy, policyVersion } from './load-policy.ts';
export { Policy, TableOutcome, TimeoutRule } from './policy-schema.ts';
export { DEFAULT_ACTION_RISKS, UNKNOWN_ACTION_RISK, riskOf } from './taxonomy.ts';
export { exhaustedAction, planDeadlines, timeoutRuleFor } from './timeouts.ts';
