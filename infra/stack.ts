// RoundupStack: table, queues, the four functions, schedule, CloudFront-fronted API, editor secret and alarms.
import { join } from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { METRICS } from '../lib/aws/metrics.ts';
import { CONTEXT_KEYS, parseConfig, type RoundupConfig } from './config.ts';
import { BUNDLED_DIR_NAME } from '../lib/lexicon/tables.ts';
import { RoundupFunction, type BundledData } from './function.ts';
import { acknowledge } from './nag.ts';

/** Names of the four functions; also the entry file stem under `functions/`. */
export const FUNCTION_NAMES = ['api', 'scheduler', 'fetch', 'group'] as const;
/** One of {@link FUNCTION_NAMES}. */
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/**
 * Data directories each function reads at run time, shipped in its asset beside `index.mjs`: the group
 * function's lexicon tables (lib/lexicon finds `lexicon/` there).
 */
export const FUNCTION_DATA: Record<FunctionName, readonly BundledData[]> = {
  api: [],
  scheduler: [],
  fetch: [],
  group: [{ from: 'data/lexicon', to: BUNDLED_DIR_NAME }],
};

/** CloudWatch namespace of the custom metrics the functions emit through Embedded Metric Format (Powertools). */
export const METRICS_NAMESPACE = METRICS.namespace;

/** Path patterns served uncached with every viewer header, cookie and method forwarded. */
export const UNCACHED_PATHS = ['/editor*', '/review*'] as const;

/** CloudFront Function (viewer request): the Host the viewer asked for, as X-Forwarded-Host for the origin. */
export const VIEWER_HOST_FUNCTION = `function handler(event) {
  var request = event.request;
  var host = request.headers.host;
  if (host) request.headers['x-forwarded-host'] = { value: host.value };
  else delete request.headers['x-forwarded-host'];
  return request;
}`;

/** Props of {@link RoundupStack}: the validated configuration plus CDK stack props. */
export interface RoundupStackProps extends StackProps, Partial<RoundupConfig> {
  /**
   * Directory with one prebuilt sub-directory per function (`<dir>/api/index.mjs`, …) to deploy instead of
   * bundling `functions/*.ts`. Leave unset (the default) to bundle with esbuild at synth time.
   */
  readonly prebuiltCodeDir?: string;
}

/** Per-function sizing; the visibility timeouts below derive from these timeouts. */
const SIZING: Record<FunctionName, { timeout: Duration; memorySize: number; description: string }> = {
  api: { timeout: Duration.seconds(10), memorySize: 1024, description: 'Public story API and editor desk (Hono)' },
  scheduler: { timeout: Duration.seconds(60), memorySize: 256, description: 'Enqueues due feeds for fetching' },
  // 120 s: a batch of 10 feeds from one host, fetched 2 at a time with a 20 s per-feed timeout, needs 100 s.
  fetch: { timeout: Duration.seconds(120), memorySize: 512, description: 'Fetches and parses feeds from the fetch queue' },
  group: { timeout: Duration.seconds(120), memorySize: 1024, description: 'Single-writer grouping of items into stories' },
};

/** Lambda's guidance for SQS sources: visibility timeout at least six times the function timeout. */
const VISIBILITY_FACTOR = 6;

/** Minutes between runs for a `rate(…)` expression; undefined for `cron(…)`, whose cadence may vary. */
export function scheduleMinutes(schedule: string): number | undefined {
  const m = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(schedule);
  if (!m) return undefined;
  const unit = { minute: 1, hour: 60, day: 1440 }[m[2] as 'minute' | 'hour' | 'day'];
  return Number(m[1]) * unit;
}

/**
 * The whole Roundup deployment in one env-agnostic stack (no lookups, so `cdk synth` works offline).
 */
export class RoundupStack extends Stack {
  readonly config: RoundupConfig;
  readonly table: dynamodb.Table;
  readonly functions: Record<FunctionName, RoundupFunction>;
  readonly fetchQueue: sqs.Queue;
  readonly fetchDlq: sqs.Queue;
  readonly groupQueue: sqs.Queue;
  readonly groupDlq: sqs.Queue;
  readonly editorSecret: secretsmanager.Secret;
  readonly distribution: cloudfront.Distribution;
  readonly alarmTopic: sns.Topic;
  readonly functionUrl: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: RoundupStackProps = {}) {
    super(scope, id, props);
    // Same validation and defaults as context values, so a stack built from code cannot bypass them.
    const given: Record<(typeof CONTEXT_KEYS)[number], unknown> = {
      stage: props.stage,
      schedule: props.schedule,
      retentionDays: props.retentionDays,
      publishMode: props.publication?.mode,
      publishMinOutlets: props.publication?.minOutlets,
      alarmEmail: props.alarmEmail,
      logLevel: props.logLevel,
      tracing: props.tracing,
      publicUrl: props.publicUrl,
    };
    const config = parseConfig((key) => given[key]);
    this.config = config;
    const prefix = `roundup-${config.stage}`;

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'ttl',
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const n of [1, 2, 3]) {
      this.table.addGlobalSecondaryIndex({
        indexName: `gsi${n}`,
        partitionKey: { name: `gsi${n}pk`, type: dynamodb.AttributeType.STRING },
        sortKey: { name: `gsi${n}sk`, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    // Queues are named so operators can find them (and replay DLQs) without reading stack outputs.
    this.fetchDlq = new sqs.Queue(this, 'FetchDlq', {
      queueName: `${prefix}-fetch-dlq`,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.fetchQueue = new sqs.Queue(this, 'FetchQueue', {
      queueName: `${prefix}-fetch`,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(SIZING.fetch.timeout.toSeconds() * VISIBILITY_FACTOR),
      deadLetterQueue: { queue: this.fetchDlq, maxReceiveCount: 3 },
    });
    this.groupDlq = new sqs.Queue(this, 'GroupDlq', {
      queueName: `${prefix}-group-dlq.fifo`,
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.groupQueue = new sqs.Queue(this, 'GroupQueue', {
      queueName: `${prefix}-group.fifo`,
      fifo: true,
      contentBasedDeduplication: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(SIZING.group.timeout.toSeconds() * VISIBILITY_FACTOR),
      // Headroom over the fetch queue's 3: with reserved concurrency 1, a receive that ends throttled still counts.
      deadLetterQueue: { queue: this.groupDlq, maxReceiveCount: 5 },
    });

    // The pepper is mixed into editor API key hashes; a leaked table dump alone cannot then verify keys.
    this.editorSecret = new secretsmanager.Secret(this, 'EditorKeyPepper', {
      description: `Roundup ${config.stage}: pepper for hashing editor API keys`,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      // Losing the pepper invalidates every issued editor key.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.editorSecret,
      'AwsSolutions-SMG4',
      'The pepper is not a credential to a service: rotating it would silently invalidate every stored editor key hash. Editor keys themselves are revocable per key in the table.',
    );

    const sharedEnv: Record<string, string> = {
      ROUNDUP_TABLE: this.table.tableName,
      ROUNDUP_STAGE: config.stage,
      ROUNDUP_RETENTION_DAYS: String(config.retentionDays),
      ROUNDUP_PUBLISH_MODE: config.publication.mode,
      ROUNDUP_PUBLISH_MIN_OUTLETS: String(config.publication.minOutlets),
      ROUNDUP_LOG_LEVEL: config.logLevel,
    };
    // Feeds are re-polled on the schedule's cadence: a feed due every 15 minutes under an hourly schedule
    // would just wait, so the fetch stage's notion of "next due" follows the rate when there is one.
    const pollMinutes = scheduleMinutes(config.schedule);
    if (pollMinutes !== undefined) sharedEnv.ROUNDUP_POLL_MINUTES = String(pollMinutes);
    const extraEnv: Record<FunctionName, Record<string, string>> = {
      // Links in pages and feeds name the public host: the configured one, else the viewer's (see ViewerHost).
      api: {
        ROUNDUP_EDITOR_SECRET_ARN: this.editorSecret.secretArn,
        ROUNDUP_TRUST_FORWARDED_HOST: 'true',
        ...(config.publicUrl ? { ROUNDUP_PUBLIC_URL: config.publicUrl } : {}),
      },
      // The scheduler also posts a grouping "tick" each run (lib/pipeline/enqueue.ts) so stories are
      // re-evaluated for publication and expiry even when no feed produced new items.
      scheduler: { ROUNDUP_FETCH_QUEUE_URL: this.fetchQueue.queueUrl, ROUNDUP_GROUP_QUEUE_URL: this.groupQueue.queueUrl },
      fetch: { ROUNDUP_GROUP_QUEUE_URL: this.groupQueue.queueUrl },
      group: {},
    };
    const make = (
      name: FunctionName,
      extra: { reservedConcurrentExecutions?: number; paramsAndSecrets?: lambda.ParamsAndSecretsLayerVersion } = {},
    ): RoundupFunction =>
      new RoundupFunction(this, `${name[0]!.toUpperCase()}${name.slice(1)}Function`, {
        entry: `functions/${name}.ts`,
        functionName: `${prefix}-${name}`,
        ...SIZING[name],
        environment: { ...sharedEnv, ...extraEnv[name] },
        tracing: config.tracing,
        data: FUNCTION_DATA[name],
        ...extra,
        ...(props.prebuiltCodeDir ? { code: lambda.Code.fromAsset(join(props.prebuiltCodeDir, name)) } : {}),
      });
    this.functions = {
      // The API reads the editor-key pepper once per container through the extension's localhost endpoint.
      api: make('api', {
        paramsAndSecrets: lambda.ParamsAndSecretsLayerVersion.fromVersion(lambda.ParamsAndSecretsVersions.V1_0_103, {
          cacheSize: 10,
          logLevel: lambda.ParamsAndSecretsLogLevel.WARN,
        }),
      }),
      scheduler: make('scheduler'),
      fetch: make('fetch'),
      // Single writer: story grouping reads-then-writes clusters and must never race with itself.
      group: make('group', { reservedConcurrentExecutions: 1 }),
    };
    const { api, scheduler, fetch, group } = this.functions;

    // Least privilege, through grant* only. The API writes for editor actions but never touches queues.
    for (const fn of Object.values(this.functions)) this.table.grantReadWriteData(fn);
    this.editorSecret.grantRead(api);
    this.fetchQueue.grantSendMessages(scheduler);
    this.groupQueue.grantSendMessages(scheduler);
    this.groupQueue.grantSendMessages(fetch);
    // The event sources below add receive/delete/visibility permissions for their consumer only.
    fetch.function.addEventSource(
      new SqsEventSource(this.fetchQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        // Caps parallel outbound fetching (and table write bursts) however deep the backlog gets.
        maxConcurrency: 10,
      }),
    );
    group.function.addEventSource(new SqsEventSource(this.groupQueue, { batchSize: 10, reportBatchItemFailures: true }));

    const tableIndexes = `Resource::<${this.getLogicalId(this.table.node.defaultChild as dynamodb.CfnTable)}.Arn>/index/*`;
    for (const fn of Object.values(this.functions)) {
      acknowledge(
        fn.role,
        'AwsSolutions-IAM5',
        'Table.grantReadWriteData scopes to this table and its indexes; the index/* wildcard only covers gsi1-gsi3 of the same table.',
        [tableIndexes],
      );
    }

    new events.Rule(this, 'FetchSchedule', {
      description: 'Triggers the scheduler, which enqueues feeds that are due',
      schedule: events.Schedule.expression(config.schedule),
      targets: [new targets.LambdaFunction(scheduler.function, { retryAttempts: 2, maxEventAge: Duration.minutes(10) })],
    });

    // Auth NONE: CloudFront is the public entry point and the API authenticates editor requests itself.
    this.functionUrl = api.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    const origin = new origins.FunctionUrlOrigin(this.functionUrl, { readTimeout: Duration.seconds(15) });

    // Default TTL 0: nothing is cached unless the API says so with Cache-Control; cookies never fragment it.
    const publicCache = new cloudfront.CachePolicy(this, 'PublicCachePolicy', {
      comment: 'Roundup public GETs: origin Cache-Control, all query strings, compressed variants',
      defaultTtl: Duration.seconds(0),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.days(1),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const securityHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Roundup security headers',
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        // The API may set stricter values itself (e.g. a CSP on editor pages); those win.
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: false },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: false,
        },
      },
    });

    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes through bucket ACLs.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      accessLogs,
      'AwsSolutions-S1',
      'This bucket only receives CloudFront access logs; logging access to the log bucket would recurse.',
    );

    // The Function URL sees its own host, not the one the reader typed: this function hands the viewer's host to
    // the API as X-Forwarded-Host (overwriting any a viewer sent), so absolute links in pages and feeds are right.
    const viewerHost = new cloudfront.Function(this, 'ViewerHost', {
      comment: 'Forwards the viewer Host header as X-Forwarded-Host',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(VIEWER_HOST_FUNCTION),
    });
    const functionAssociations: cloudfront.FunctionAssociation[] = [
      { function: viewerHost, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
    ];
    // Cached behavior: only the forwarded host reaches the origin (the cache key stays query + encoding).
    const forwardHost = new cloudfront.OriginRequestPolicy(this, 'ForwardViewerHost', {
      comment: 'Roundup public GETs: the viewer host as X-Forwarded-Host, all query strings',
      headerBehavior: cloudfront.OriginRequestHeaderBehavior.allowList('x-forwarded-host'),
      queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.all(),
      cookieBehavior: cloudfront.OriginRequestCookieBehavior.none(),
    });

    const uncached: cloudfront.BehaviorOptions = {
      origin,
      functionAssociations,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      // Editor keys travel in these requests: refuse plain HTTP instead of redirecting after the fact.
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      responseHeadersPolicy: securityHeaders,
      compress: true,
    };
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Roundup ${config.stage}`,
      defaultBehavior: {
        origin,
        cachePolicy: publicCache,
        originRequestPolicy: forwardHost,
        functionAssociations,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
        cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: securityHeaders,
        compress: true,
      },
      additionalBehaviors: Object.fromEntries(UNCACHED_PATHS.map((p) => [p, uncached])),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: accessLogs,
      logFilePrefix: 'cloudfront/',
    });
    acknowledge(this.distribution, 'AwsSolutions-CFR1', 'A public news site has no audience to geo-restrict.');
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR2',
      'No WAF web ACL (fixed monthly cost): the origin is a stateless read API behind caching and editor routes authenticate every request. Add one if abuse appears.',
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR4',
      'Served on the default *.cloudfront.net certificate, whose TLS policy cannot be changed; attach an ACM certificate with TLSv1.2_2021 when a custom domain is added.',
    );

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `Roundup ${config.stage} alarms`,
      enforceSSL: true,
    });
    // Not KMS-encrypted on purpose: CloudWatch cannot publish to a topic under the AWS-managed SNS key, and
    // alarm notifications carry nothing sensitive enough to pay for a customer-managed key.
    if (config.alarmEmail) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
    }
    this.addAlarms(prefix);

    new CfnOutput(this, 'ApiUrl', { value: `https://${this.distribution.distributionDomainName}/`, description: 'Public URL (CloudFront)' });
    new CfnOutput(this, 'FunctionUrl', { value: this.functionUrl.url, description: 'API origin (Lambda Function URL)' });
    new CfnOutput(this, 'DistributionDomain', { value: this.distribution.distributionDomainName });
    new CfnOutput(this, 'DistributionId', { value: this.distribution.distributionId });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'FetchQueueUrl', { value: this.fetchQueue.queueUrl });
    new CfnOutput(this, 'FetchDlqArn', { value: this.fetchDlq.queueArn });
    new CfnOutput(this, 'GroupQueueUrl', { value: this.groupQueue.queueUrl });
    new CfnOutput(this, 'GroupDlqArn', { value: this.groupDlq.queueArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
    new CfnOutput(this, 'EditorSecretArn', { value: this.editorSecret.secretArn });
    new CfnOutput(this, 'AccessLogBucket', { value: accessLogs.bucketName, description: 'CloudFront access logs (prefix cloudfront/)' });
  }

  private addAlarms(prefix: string): void {
    const action = new cwActions.SnsAction(this.alarmTopic);
    const alarm = (id: string, props: cloudwatch.CreateAlarmOptions, metric: cloudwatch.IMetric): void => {
      new cloudwatch.Alarm(this, id, { ...props, metric }).addAlarmAction(action);
    };

    for (const [name, dlq] of [
      ['Fetch', this.fetchDlq],
      ['Group', this.groupDlq],
    ] as const) {
      alarm(
        `${name}DlqNotEmptyAlarm`,
        {
          alarmName: `${prefix}-${name.toLowerCase()}-dlq-not-empty`,
          alarmDescription: `Messages in ${dlq.node.id}: replay with sqs start-message-move-task after fixing the cause`,
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        },
        dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      );
    }

    for (const [name, fn] of Object.entries(this.functions)) {
      const base = {
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      };
      alarm(
        `${fn.node.id}ErrorsAlarm`,
        { ...base, alarmName: `${prefix}-${name}-errors`, alarmDescription: `${name} function invocations failed` },
        fn.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      );
      alarm(
        `${fn.node.id}ThrottlesAlarm`,
        { ...base, alarmName: `${prefix}-${name}-throttles`, alarmDescription: `${name} function was throttled` },
        fn.function.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
      );
    }

    // Powertools Metrics (EMF) from the fetch and group functions; dimensions service + Stage on every metric.
    const metric = (metricName: string, statistic: string, period: Duration): cloudwatch.Metric =>
      new cloudwatch.Metric({
        namespace: METRICS.namespace,
        metricName,
        dimensionsMap: { service: METRICS.service, Stage: this.config.stage },
        statistic,
        period,
      });
    // FeedsFetched counts every fetch attempt, FeedsFailed the failed ones.
    alarm(
      'FeedFailureRatioAlarm',
      {
        alarmName: `${prefix}-feed-failure-ratio`,
        alarmDescription: 'More than half of feed fetches failed for two consecutive hours',
        threshold: 0.5,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        // No fetches means nothing to judge; a dead scheduler shows up in its own error alarm instead.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
      new cloudwatch.MathExpression({
        expression: 'failed / fetched',
        usingMetrics: {
          failed: metric(METRICS.feedsFailed, 'Sum', Duration.hours(1)),
          fetched: metric(METRICS.feedsFetched, 'Sum', Duration.hours(1)),
        },
        label: 'Share of failed feed fetches',
        period: Duration.hours(1),
      }),
    );
    // Outlets publish around the clock: three hours without a single new item means the pipeline is stuck
    // somewhere no error alarm sees (schedule disabled, claims never expiring, every feed 304 by a bug).
    alarm(
      'IngestStalledAlarm',
      {
        alarmName: `${prefix}-ingest-stalled`,
        alarmDescription: 'No new item was stored for three consecutive hours',
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        // No data is the symptom itself here: fetch publishes ItemsIngested after every batch.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      },
      metric(METRICS.itemsIngested, 'Sum', Duration.hours(1)),
    );
    // Stories should follow items within minutes; a backlog in the FIFO queue or slow passes show up here.
    alarm(
      'GroupingLagAlarm',
      {
        alarmName: `${prefix}-grouping-lag`,
        alarmDescription: 'Grouping finished more than 15 minutes after its trigger, in 3 of the last 4 five-minute periods',
        threshold: 15 * 60_000,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 4,
        datapointsToAlarm: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
      metric(METRICS.groupingLag, 'Maximum', Duration.minutes(5)),
    );
    // A story that cannot be written is recorded and retried every pass; failures through three 15-minute
    // periods will not heal by themselves.
    alarm(
      'StoryWriteFailuresAlarm',
      {
        alarmName: `${prefix}-story-write-failures`,
        alarmDescription: 'A story could not be written for 45 minutes: see writeFailures in GET /editor/api/review and the group logs',
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
      metric(METRICS.storyWritesFailed, 'Sum', Duration.minutes(15)),
    );
  }
}
