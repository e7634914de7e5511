// RoundupFunction: the single construct every Roundup Lambda is built with, plus the shared esbuild options.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { BuildOptions } from 'esbuild';
import { acknowledge } from './nag.ts';

/** Repository root (the directory holding package.json and package-lock.json). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Runtime-neutral description of how every function is bundled. It is the single source of truth for both
 * the CDK construct (local esbuild via NodejsFunction) and bench/bundles.ts (esbuild JS API), so the bench
 * measures exactly what ships.
 */
export interface RoundupBundleOptions {
  /** esbuild target, kept in step with the Lambda runtime (Node 22). */
  readonly target: string;
  readonly platform: 'node';
  readonly format: 'esm';
  /** Prefer ESM entry points of dependencies so tree-shaking works. */
  readonly mainFields: string[];
  /** JS banner prepended to the bundle. */
  readonly banner: string;
  readonly minify: boolean;
  /**
   * Keep function and class names through minification: error classes name themselves from `new.target.name`
   * and logs report `errorClass`, which would otherwise read `so` or `q`.
   */
  readonly keepNames: boolean;
  /** Linked (external `.map`) source maps. */
  readonly sourcemap: boolean;
  /** Modules left out of the bundle; empty so `@aws-sdk/*` ships pinned with the code. */
  readonly externalModules: string[];
  readonly charset: 'utf8';
}

/**
 * House bundling options shared by the construct and the bundle bench.
 *
 * The banner gives CommonJS dependencies bundled into ESM output a real `require` (esbuild's shim throws
 * "Dynamic require of 'x' is not supported" otherwise). It must contain neither `"` nor `$`: NodejsFunction
 * hands it to esbuild through a double-quoted shell argument.
 */
export function bundleOptions(): RoundupBundleOptions {
  return {
    target: 'node22',
    platform: 'node',
    format: 'esm',
    mainFields: ['module', 'main'],
    banner:
      "import { createRequire as roundupCreateRequire } from 'node:module'; const require = roundupCreateRequire(import.meta.url);",
    minify: true,
    keepNames: true,
    sourcemap: true,
    externalModules: [],
    charset: 'utf8',
  };
}

/** A repository directory copied into a function's asset, beside `index.mjs`. */
export interface BundledData {
  /** Directory relative to the repository root, e.g. `data/lexicon`. */
  readonly from: string;
  /** Name of the copy beside `index.mjs`, e.g. `lexicon`. */
  readonly to: string;
}

/**
 * The shell commands that copy data directories into the bundling output (NodejsFunction's afterBundling hook;
 * `inputDir` is the project root, `outputDir` the asset's staging directory).
 */
export function copyDataCommands(inputDir: string, outputDir: string, data: readonly BundledData[]): string[] {
  return data.map((d) => `cp -R "${join(inputDir, d.from)}" "${join(outputDir, d.to)}"`);
}

/** Maps the shared options onto NodejsFunction's bundling props (always local esbuild, never Docker). */
export function nodejsBundling(options: RoundupBundleOptions = bundleOptions(), data: readonly BundledData[] = []): nodejs.BundlingOptions {
  return {
    ...(data.length > 0
      ? {
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling: (inputDir: string, outputDir: string) => copyDataCommands(inputDir, outputDir, data),
          },
        }
      : {}),
    target: options.target,
    format: nodejs.OutputFormat.ESM,
    mainFields: options.mainFields,
    banner: options.banner,
    minify: options.minify,
    keepNames: options.keepNames,
    sourceMap: options.sourcemap,
    sourceMapMode: nodejs.SourceMapMode.DEFAULT,
    externalModules: options.externalModules,
    // Via esbuildArgs: this aws-cdk-lib accepts `charset` but never passes it to esbuild, which then escapes
    // every non-ASCII character (stemmer and country tables grow ~20%).
    esbuildArgs: { '--charset': options.charset },
    forceDockerBundling: false,
  };
}

/**
 * Maps the shared options onto esbuild's JS API the way NodejsFunction maps them onto its CLI
 * (`--bundle --platform --target --format --main-fields --banner:js --minify --keep-names --sourcemap --charset`).
 */
export function esbuildOptions(entry: string, outfile: string, options: RoundupBundleOptions = bundleOptions()): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: options.platform,
    target: options.target,
    format: options.format,
    mainFields: options.mainFields,
    banner: { js: options.banner },
    minify: options.minify,
    keepNames: options.keepNames,
    sourcemap: options.sourcemap,
    external: options.externalModules,
    charset: options.charset,
    absWorkingDir: REPO_ROOT,
  };
}

/** Per-function knobs; everything else is a house default. */
export interface RoundupFunctionProps {
  /** Entry file relative to the repo root, e.g. `functions/api.ts`; it must export `handler`. */
  readonly entry: string;
  /** Physical function name (also used for the log group name `/aws/lambda/<name>`). */
  readonly functionName: string;
  readonly description?: string;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** Merged over the stack-wide environment passed by the caller. */
  readonly environment?: Record<string, string>;
  /** @default false — X-Ray adds cost and a `Resource: *` statement, so it is opt-in. */
  readonly tracing?: boolean;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Reserved concurrency; `1` makes a single-writer consumer. */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Prebuilt code (a directory containing `index.mjs` exporting `handler`) instead of bundling `entry`.
   * Only for fast tests or CI pipelines that bundle separately; the default bundles with esbuild.
   */
  readonly code?: lambda.Code;
  /**
   * The AWS Parameters and Secrets extension: lets a handler read a secret over localhost at cold start
   * without bundling a Secrets Manager client.
   */
  readonly paramsAndSecrets?: lambda.ParamsAndSecretsLayerVersion;
  /**
   * Data directories the function reads at run time, copied into its asset beside `index.mjs` (the grouping
   * function's lexicon tables: files, not JS, so they load faster and keep their licences; see docs/grouping.md).
   */
  readonly data?: readonly BundledData[];
}

/**
 * A Roundup Lambda function with house defaults: Node 22 on arm64, ESM bundle with the AWS SDK inside,
 * minified with source maps, an explicit log group with retention and its own least-privilege role.
 */
export class RoundupFunction extends Construct implements iam.IGrantable {
  /** The underlying Lambda function. */
  readonly function: lambda.Function;
  /** Log group the function writes to (`/aws/lambda/<functionName>`). */
  readonly logGroup: logs.LogGroup;
  /** Execution role; carries only what grants add. */
  readonly role: iam.Role;
  readonly grantPrincipal: iam.IPrincipal;

  constructor(scope: Construct, id: string, props: RoundupFunctionProps) {
    super(scope, id);

    // Explicit log group so retention is managed by CloudFormation, not by the LogRetention custom resource.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      // Operational logs only; leaving a named group behind would block re-creating the stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Own role instead of AWSLambdaBasicExecutionRole: that managed policy allows writing to every log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.functionName}`,
    });
    this.logGroup.grantWrite(this.role);

    const common = {
      functionName: props.functionName,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 512,
      role: this.role,
      logGroup: this.logGroup,
      tracing: props.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      paramsAndSecrets: props.paramsAndSecrets,
      environment: {
        // Stack traces in CloudWatch point at TypeScript lines instead of minified columns.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    } satisfies Partial<lambda.FunctionProps>;

    this.function = props.code
      ? new lambda.Function(this, 'Function', { ...common, code: props.code, handler: 'index.handler' })
      : new nodejs.NodejsFunction(this, 'Function', {
          ...common,
          entry: resolve(REPO_ROOT, props.entry),
          handler: 'handler',
          projectRoot: REPO_ROOT,
          depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
          bundling: nodejsBundling(bundleOptions(), props.data ?? []),
        });
    this.grantPrincipal = this.function.grantPrincipal;

    acknowledge(
      this.function,
      'AwsSolutions-L1',
      'Node.js 22 is the house runtime (bundles target node22 and are benchmarked on it); moving to a newer runtime is a deliberate, tested upgrade rather than something done implicitly.',
    );
    if (props.tracing) {
      acknowledge(
        this.role,
        'AwsSolutions-IAM5',
        'xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions.',
        ['Resource::*'],
      );
    }
  }
}
