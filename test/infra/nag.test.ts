/**
 * The one complete synthesis of the infra tests: functions bundled by esbuild, the
 * CloudFormation template validation on, and cdk-nag's AWS Solutions checks, as `cdk synth`
 * runs them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullContext, removeSyntheses, type SynthesizedDesk, synthDesk } from './synth.ts';

type Report = { pluginReports: { pluginName?: string; violations?: unknown[] }[] };

let desk: SynthesizedDesk | undefined;
let synthError: unknown;
const savedValidation = process.env.CDK_VALIDATION;

beforeAll(() => {
  // This file is the one place where the template validation runs: make sure nothing turned it off.
  delete process.env.CDK_VALIDATION;
  try {
    desk = synthDesk({ context: fullContext, bundle: true, cloudFormationValidation: true, nag: true });
  } catch (error) {
    synthError = error;
  }
}, 180_000);

afterAll(() => {
  if (savedValidation !== undefined) process.env.CDK_VALIDATION = savedValidation;
  removeSyntheses();
});

function synthesized(): SynthesizedDesk {
  if (!desk) throw new Error('synthesis failed', { cause: synthError });
  return desk;
}

describe('the complete synthesis', () => {
  it('passes cdk-nag and the CloudFormation validation with no unacknowledged finding', () => {
    // Why: any finding (error or warning) is either fixed or explained next to its resource.
    expect(synthError instanceof Error ? synthError.message : synthError).toBeUndefined();
    const report = JSON.parse(
      readFileSync(join(synthesized().outdir, 'validation-report.json'), 'utf8'),
    ) as Report;
    const violations = report.pluginReports.flatMap((plugin) => plugin.violations ?? []);
    expect(violations).toEqual([]);
  });

  it('gives every acknowledgment a reason, on a resource rather than a whole stack', () => {
    // Why: a reviewer must find why a rule does not apply where the rule would have fired.
    const { app, stateful, desk: deskStack } = synthesized();
    const acknowledgments = app.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) =>
          Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
            construct,
            id,
            reason,
          })),
        ),
    );
    expect(acknowledgments.length).toBeGreaterThan(0);
    for (const { construct, id, reason } of acknowledgments) {
      expect(reason.length, id).toBeGreaterThanOrEqual(60);
      expect([app, stateful, deskStack], `${id} at ${construct.node.path}`).not.toContain(construct);
    }
  });

  it('bundles each function as its own minified ES module with a source map', () => {
    // Why: a function carrying another's code (or the whole SDK) loads slower at every cold start.
    const { outdir, desk: deskStack } = synthesized();
    const entries = Object.keys(deskStack.functions);
    for (const [name, fn] of Object.entries(deskStack.functions)) {
      const code = deskStack.resolve((fn.function.node.defaultChild as CfnFunction).code);
      const hash = JSON.stringify(code).match(/[0-9a-f]{64}/)?.[0];
      const assetDir = join(outdir, `asset.${hash}`);
      expect(existsSync(join(assetDir, 'index.mjs')), name).toBe(true);
      const map = JSON.parse(readFileSync(join(assetDir, 'index.mjs.map'), 'utf8')) as { sources: string[] };
      const ownEntries = map.sources.filter((source) => /(^|\/)functions\/[^/]+\.ts$/.test(source));
      expect(
        ownEntries.map((source) => source.replace(/^.*functions\//, '').replace(/\.ts$/, '')),
        name,
      ).toEqual([name]);
      expect(entries).toContain(name);
    }
  });
});
