/**
 * Composes the desk's stacks in an app, with cdk-nag's AWS Solutions checks. Shared by
 * `infra/app.ts` (the CLI's entry) and the infra tests, so both synthesize the same thing.
 */
import { isAbsolute, join } from 'node:path';
import { Annotations, type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { projectRoot } from './paths.ts';
import { type DeploySettings, readDeploySettings } from './settings.ts';
import { DeskStack } from './stacks/desk-stack.ts';
import { StatefulStack } from './stacks/stateful-stack.ts';

/** Options of {@link composeDesk}. */
export type ComposeOptions = {
  /** Run cdk-nag's AwsSolutionsChecks at synthesis. Default true. */
  nag?: boolean;
};

/** The composed desk. */
export type DeskApp = { settings: DeploySettings; stateful: StatefulStack; desk: DeskStack };

/** Stack names, stable: CloudFormation identifies a stack by its name. */
export const stackNames = { stateful: 'LsunStateful', desk: 'LsunDesk' } as const;

/**
 * Adds the stateful and desk stacks to `app`, configured from its context.
 *
 * Both stacks are pinned to the configured region (the receiving region) and leave the
 * account to the credentials used at deploy time, so synthesis needs neither.
 */
export function composeDesk(app: App, options: ComposeOptions = {}): DeskApp {
  const settings = readDeploySettings(app.node);
  const env = { region: settings.region };

  const stateful = new StatefulStack(app, stackNames.stateful, {
    env,
    description: 'Assistance LSUN : données (table, courriels bruts), conservées à la suppression',
    accessLogDays: settings.retentionDays,
    rawMailBackstopDays: settings.rawMailBackstopDays,
    pointInTimeRecoveryDays: settings.pointInTimeRecoveryDays,
    // Deleting this stack is never routine: it must be unprotected on purpose first.
    terminationProtection: true,
  });
  const desk = new DeskStack(app, stackNames.desk, {
    env,
    description: 'Assistance LSUN : fonctions, files, réception et envoi SES, API, console du personnel',
    stateful,
    settings,
    consoleFiles: settings.skipConsoleFiles ? undefined : consoleDir(settings.consoleDir),
  });
  desk.addStackDependency(stateful);
  if (settings.skipConsoleFiles) {
    Annotations.of(desk.console).addWarningV2(
      'lsun:console-files-skipped',
      'Synthesized without the console files (skipConsoleFiles): do not deploy this assembly, it would stop updating the console.',
    );
  }

  Tags.of(app).add('project', 'assistance-lsun');
  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  }
  return { settings, stateful, desk };
}

/** The console's build folder: `consoleDir` from the context, relative to the repository root. */
function consoleDir(dir: string): string {
  return isAbsolute(dir) ? dir : join(projectRoot, dir);
}
