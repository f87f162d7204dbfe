/**
 * The one structured logger of the desk (Powertools). Correlation keys (SES message id,
 * ticket number) are appended per record by the handlers; mail bodies are never logged.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'assistance-lsun' });
