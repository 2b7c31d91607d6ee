export { DEFAULT_POLICY } from './default-policy.ts';
export { DEFAULT_DETECTORS, scanStrings, type Detector, type Finding, type ScannedString, type Severity } from './detectors/index.ts';
export { compilePolicy, STRICTNESS, type CompiledPolicy, type EvaluationInput, type EvaluationOptions } from './evaluate.ts';
export { loadPolicyFile, parsePolicy, policyVersion } from './load-policy.ts';
export { Policy, TableOutcome, TimeoutRule } from './policy-schema.ts';
export { replayPolicy, type ReplayOptions, type ReplayReport, type VerdictChange } from './replay.ts';
export { DEFAULT_ACTION_RISKS, UNKNOWN_ACTION_RISK, riskOf } from './taxonomy.ts';
export { exhaustedAction, planDeadlines, timeoutRuleFor } from './timeouts.ts';
