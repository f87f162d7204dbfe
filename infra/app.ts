/**
 * The CDK app of the desk (`npx cdk synth`, `npx cdk deploy --all`).
 *
 * Settings come from the context: `cdk.json` holds the defaults, `-c key=value` overrides
 * them (see docs/deploy.md). The default region is eu-west-1 because SES email receiving is
 * documented there and not confirmed in Paris (eu-west-3); everything the receipt rule
 * touches must be in the receiving region.
 */
import { App } from 'aws-cdk-lib';
import { composeDesk } from './desk-app.ts';

composeDesk(new App());
