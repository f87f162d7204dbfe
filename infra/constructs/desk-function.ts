/**
 * One construct that owns every Lambda default of the desk, so a stack states only the entry
 * file, the timeout and what the function is bound to.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '#shared/metrics.ts';
import { nodejsBundling } from '../bundling.ts';
import { functionEntry, lockFile, projectRoot } from '../paths.ts';

/** Properties of a {@link DeskFunction}. */
export type DeskFunctionProps = {
  /** Entry file under `functions/`, without extension; it exports `handler`. */
  entry: string;
  /** Timeout in seconds (from `shared/pipeline.ts`). */
  timeoutSeconds: number;
  /** The desk configuration environment (`shared/config.ts`), the same for every function. */
  environment: Record<string, string>;
  /** Memory in MiB. Default 512: CPU scales with memory, and mail parsing is CPU-bound. */
  memorySize?: number;
  /** How long the function's logs are kept. Default three months: logs name senders. */
  logRetention?: logs.RetentionDays;
  /** Powertools log level. Default `INFO`. */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
};

/** Service name in every log line and metric, shared by all functions of the desk. */
export const powertoolsServiceName = 'assistance-lsun';

/**
 * A desk Lambda function: the newest Node.js runtime of this CDK version, ARM64, an ESM bundle
 * built by esbuild with source maps, the Powertools environment, its own log group with a
 * retention, active tracing, and its own role that may only write to that log group until
 * grants are added.
 */
export class DeskFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: DeskFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      // Logs are operational and expire anyway; they must not outlive the stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An explicit role rather than the AWSLambdaBasicExecutionRole managed policy: that one
    // may write to every log group of the account.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Desk function ${props.entry}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: functionEntry(props.entry),
      handler: 'handler',
      projectRoot,
      depsLockFilePath: lockFile,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: Duration.seconds(props.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      // Lambda's own tracing, without an X-Ray SDK in the code: each sampled invocation still
      // has its trace (the Lambda service segment and the function's Initialization, Invocation
      // and Overhead subsegments), and the SDK's recursion-detection middleware passes the trace
      // header on to SQS, which links the next function's trace. What the code no longer adds:
      // a subsegment per AWS call, the ColdStart and Service annotations. Powertools Tracer loaded
      // aws-xray-sdk-core, whose cls-hooked async hooks ran on every promise even with tracing off
      // (about 11× the CPU of an awaited promise, measured) and weighed about 118 KB per bundle.
      tracing: Tracing.ACTIVE,
      bundling: nodejsBundling(),
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: powertoolsServiceName,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        // The same namespace the code sets (shared/metrics.ts) and the dashboard reads.
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        // Stack traces in the logs point at the TypeScript sources (NodejsFunction does not set it).
        NODE_OPTIONS: '--enable-source-maps',
      },
    });

    const tracingPolicy = this.role.node.tryFindChild('DefaultPolicy');
    if (tracingPolicy) {
      Validations.of(tracingPolicy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only the xray:PutTraceSegments and xray:PutTelemetryRecords statement that active tracing adds uses Resource *: X-Ray supports no resource-level permission for them. The infra tests fail if any other statement grants Resource * (test/infra).',
      });
    }
  }
}
