/**
 * The desk's tracer (Powertools Tracer over the X-Ray SDK), one per container like the logger.
 *
 * Tracing is on only where Lambda runs the code with active tracing: Powertools turns itself off
 * outside a Lambda execution environment (no `AWS_EXECUTION_ENV`), so the local desk and the
 * tests create no segment, patch no client and print nothing. Responses are not recorded in the
 * traces (`captureResponse: false` in `traceHandler`): the API's answers and the steps' results
 * name tickets and directors, and traces have no retention setting of ours.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';

/** The tracer of this container; its service name is the functions' `POWERTOOLS_SERVICE_NAME`. */
export const tracer = new Tracer();

/** The middy middleware that opens a subsegment per invocation, annotated with the cold start. */
export function traceHandler() {
  return captureLambdaHandler(tracer, { captureResponse: false });
}

/**
 * An AWS SDK v3 client whose calls appear as subsegments of the invocation; the client itself
 * when tracing is off.
 */
export function traced<Client>(client: Client): Client {
  return tracer.captureAWSv3Client(client);
}
