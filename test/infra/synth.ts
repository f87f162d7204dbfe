/**
 * Synthesizes the desk app in the test process, with the feature flags and defaults of
 * `cdk.json` (a `new App()` does not read it), for the infra tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll } from 'vitest';
import { composeDesk, type DeskApp } from '../../infra/desk-app.ts';
import { cdkJsonContext } from '../../infra/feature-flags.ts';

/** Options of {@link synthDesk}. */
export type SynthOptions = {
  /** Context on top of `cdk.json`'s, as `-c` would give it. */
  context?: Record<string, unknown>;
  /** Bundle the functions with esbuild (slow). Off: the templates are the same, assets are placeholders. */
  bundle?: boolean;
  /** Run the CloudFormation template validation (a WASM module, seconds per synth). */
  cloudFormationValidation?: boolean;
  /** Run cdk-nag. */
  nag?: boolean;
};

/** A synthesized desk: the assembly, each stack's template, and the constructs. */
export type SynthesizedDesk = DeskApp & {
  app: App;
  assembly: CloudAssembly;
  outdir: string;
  statefulTemplate: Template;
  deskTemplate: Template;
};

const outdirs: string[] = [];

/**
 * A three-file stand-in for `dist/console`, so the tests neither need nor upload a real build
 * (`npm run console:build`), and pass on a machine that never built the console.
 */
export const consoleFixture = fileURLToPath(new URL('./fixtures/console', import.meta.url));

/** Removes the cloud assemblies written by {@link synthDesk} in this test file. */
export function removeSyntheses(): void {
  for (const outdir of outdirs.splice(0)) rmSync(outdir, { recursive: true, force: true });
}

/** Synthesizes the whole app once (Template.fromStack would synthesize again per stack). */
export function synthDesk(options: SynthOptions = {}): SynthesizedDesk {
  const outdir = mkdtempSync(join(tmpdir(), 'lsun-cdk-'));
  outdirs.push(outdir);
  const app = new App({
    outdir,
    builtinCloudFormationValidation: options.cloudFormationValidation ?? false,
    context: {
      ...cdkJsonContext(),
      consoleDir: consoleFixture,
      ...options.context,
      // An empty list skips asset bundling for every stack.
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const composed = composeDesk(app, { nag: options.nag ?? false });
  const assembly = app.synth();
  return {
    ...composed,
    app,
    assembly,
    outdir,
    statefulTemplate: Template.fromJSON(assembly.getStackByName(composed.stateful.stackName).template),
    deskTemplate: Template.fromJSON(assembly.getStackByName(composed.desk.stackName).template),
  };
}

/** The context of a complete deployment: alarm mail, sender domain, activation on. */
export const fullContext = {
  alarmEmail: 'alertes-lsun@ac-dijon.fr',
  senderDomain: 'ac-dijon.fr',
  activateReceiptRuleSet: 'true',
  authDomainPrefix: 'assistance-lsun-test',
  schoolHolidays: '2026-12-19/2027-01-03, 2027-02-06/2027-02-21',
};

/** A resource of a synthesized template, as the infra tests read it. */
export type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
};

/** One statement of an IAM policy document. */
export type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
  Principal?: unknown;
};

/** The template's resources of one CloudFormation type, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

/** The logical id, in the desk stack, of a construct's CloudFormation resource. */
export function logicalIdIn(
  synthesized: SynthesizedDesk,
  construct: { node: { defaultChild?: unknown } },
): string {
  return synthesized.desk.getLogicalId(construct.node.defaultChild as never);
}

/** An IAM field that may hold one value or a list (Action, Resource), as a list. */
export function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/**
 * The desk as `cdk.json` configures it, the synthesis most infra test files read: made when the
 * test file loads, its assembly removed once the file's tests are done.
 */
export function synthFullDesk(): SynthesizedDesk {
  afterAll(removeSyntheses);
  return synthDesk({ context: fullContext });
}
