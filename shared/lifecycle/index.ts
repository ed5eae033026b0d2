export type {
  HeldImage,
  LifecycleAction,
  LifecycleEvaluation,
  LifecycleEvaluationOptions,
  LifecycleImage,
} from './evaluate';
export { compileTagFilter, evaluateLifecyclePolicy } from './evaluate';
export type {
  LifecyclePolicy,
  LifecycleRule,
  PolicyParseOptions,
  PolicyParseResult,
  PolicyViolation,
  StorageClass,
} from './policy';
export { describeViolation, parseLifecyclePolicy, ruleStorageClass } from './policy';
