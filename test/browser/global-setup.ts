/** Builds the console once for the whole browser run (each test file then serves `dist/console`). */
import { ensureConsoleBuilt } from '#local/console-build.ts';

export default function setup(): void {
  // The desk runs on Node 20 on purpose (see FACTS): the SDK's notice about Node 22 is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  ensureConsoleBuilt();
}
