/**
 * The error `npm start` explains in one line, in a module of its own: the terminal's process
 * (`local/start.ts`, the desk running in its child) needs it without loading the AWS SDK's
 * clients that `emulators.ts` brings.
 */

/** Raised when Java, which DynamoDB Local needs, is missing or too old. */
export class JavaMissingError extends Error {
  override name = 'JavaMissingError';
}
