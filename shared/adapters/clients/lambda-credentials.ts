/**
 * The credential chain of a deployed function, in place of the SDK's default one: the bundler
 * substitutes this module for `@aws-sdk/credential-provider-node` (`infra/bundling.ts`).
 *
 * Lambda hands a function its role's credentials in the environment (`AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), the first place the default chain looks, so it
 * never reaches the other links. Those links (profiles, SSO, web identity, instance metadata) and
 * the STS and SSO clients they embed weighed 110–130 KB of every bundle. Tests and the local
 * stack do not bundle and keep the default chain.
 */
import type { FromEnvInit } from '@aws-sdk/credential-provider-env';
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** Same name and call as the SDK's default provider, which each client's runtime config imports. */
export function defaultProvider(init: FromEnvInit = {}): ReturnType<typeof fromEnv> {
  return fromEnv(init);
}
