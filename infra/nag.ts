// cdk-nag v3 glue: ESM-safe import of the rule pack and a helper to acknowledge findings with a reason.
import { Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
import type { IConstruct } from 'constructs';

// cdk-nag is CommonJS with re-exports Node cannot detect statically, so named ESM imports fail at runtime.
/** The AWS Solutions rule pack (a CDK policy-validation plugin in cdk-nag v3). */
export const AwsSolutionsChecks: typeof cdkNag.AwsSolutionsChecks = cdkNag.AwsSolutionsChecks;

/**
 * Acknowledges (suppresses) an AwsSolutions finding on `scope` and everything below it.
 *
 * cdk-nag v3 replaced `NagSuppressions` with CDK's `Validations.acknowledge()`. Rules that report several
 * findings (IAM5) are acknowledged one finding at a time (`AwsSolutions-IAM5[Resource::…]`), which is the
 * v3 equivalent of v2's `appliesTo`; pass those finding strings as `findings`.
 */
export function acknowledge(scope: IConstruct, rule: `AwsSolutions-${string}`, reason: string, findings?: string[]): void {
  const ids = findings && findings.length > 0 ? findings.map((f) => `${rule}[${f}]`) : [rule];
  Validations.of(scope).acknowledge(...ids.map((id) => ({ id, reason })));
}
