// CDK app entry (cdk.json "app"): reads and validates context, builds RoundupStack, applies cdk-nag.
import { App, Validations } from 'aws-cdk-lib';
import { ConfigError } from '../lib/errors.ts';
import { CONTEXT_KEYS, parseConfig, type RoundupConfig } from './config.ts';
import { AwsSolutionsChecks } from './nag.ts';
import { RoundupStack } from './stack.ts';

const app = new App();

let config: RoundupConfig;
try {
  config = parseConfig((key) => app.node.tryGetContext(key));
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`${err.message}\nKnown context keys: ${CONTEXT_KEYS.join(', ')}`);
    process.exit(1);
  }
  throw err;
}

const prebuiltCodeDir = app.node.tryGetContext('prebuiltCodeDir') as string | undefined;

// No `env`: the stack stays environment-agnostic so synth needs neither credentials nor lookups.
new RoundupStack(app, `Roundup-${config.stage}`, {
  ...config,
  ...(prebuiltCodeDir ? { prebuiltCodeDir } : {}),
  description: `Roundup news aggregator (${config.stage})`,
});

// cdk-nag v3 is a policy-validation plugin (not an Aspect): synth fails on any unacknowledged finding.
// Verbose so a finding carries the rule's explanation, not just its id.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
