/** The SES (API v2) client of this container, made once. */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { forgetHandlersOnStackChange, HANDLER_CACHE } from './handler-cache.ts';

let client: SESv2Client | undefined;

export function sesClient(): SESv2Client {
  client ??= forgetHandlersOnStackChange(new SESv2Client({ ...HANDLER_CACHE }));
  return client;
}
