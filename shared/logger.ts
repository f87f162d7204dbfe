/**
 * The one structured logger of the desk (Powertools). Correlation keys (SES message id,
 * ticket number, outbox id) are added per record by the queue consumers; mail bodies are never
 * logged.
 */
import { LogFormatter, Logger, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, LogLevel, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { ConfigError } from './config.ts';

/**
 * Powertools' standard log record, except for errors: they are logged by their name, code,
 * message, location, stack and cause only. Powertools' own format adds every enumerable field of
 * an error, and some of ours hold what a mail said or who sent it.
 */
export class DeskLogFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const context = attributes.lambdaContext;
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        cold_start: context?.coldStart,
        function_arn: context?.invokedFunctionArn,
        function_memory_size: context?.memoryLimitInMB,
        function_name: context?.functionName,
        function_request_id: context?.awsRequestId,
        sampling_rate: attributes.sampleRateValue,
        xray_trace_id: attributes.xRayTraceId,
      },
    }).addAttributes(additional);
  }

  override formatError(error: Error): LogAttributes {
    const { name, message, stack } = error;
    const code = (error as { code?: unknown }).code;
    return {
      name,
      location: this.getCodeLocation(stack),
      message,
      ...(typeof code === 'string' ? { code } : {}),
      stack,
      ...(error.cause instanceof Error ? { cause: this.formatError(error.cause) } : {}),
    };
  }
}

export const logger = new Logger({ serviceName: 'assistance-lsun', logFormatter: new DeskLogFormatter() });

/**
 * Reads the level again from the environment (`POWERTOOLS_LOG_LEVEL`, else `LOG_LEVEL`), as the
 * logger did when this module loaded. On Lambda the environment is complete before any code
 * runs; the local desk sets its handlers' environment only once its stand-ins are up, after this
 * module was loaded by its own imports, and calls this so that the level it was given (WARN under
 * `npm start` and the benchmarks) is the one honoured rather than Powertools' default, INFO.
 */
export function honourConfiguredLogLevel(env: NodeJS.ProcessEnv = process.env): void {
  const level = (env.POWERTOOLS_LOG_LEVEL || env.LOG_LEVEL)?.toUpperCase();
  if (!level) return;
  try {
    logger.setLogLevel(level as LogLevel);
  } catch (error) {
    throw new ConfigError(`POWERTOOLS_LOG_LEVEL : niveau inconnu « ${level} »`, { cause: error });
  }
}
