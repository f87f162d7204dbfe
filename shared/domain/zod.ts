/**
 * zod for the schemas the Lambda functions build at import: `zod/mini`, the functional API over
 * the same core as classic zod (the same checks, the same parsing, the same issues).
 *
 * Why: classic zod builds each schema with its methods and clones it at each `.min()` or
 * `.optional()`; a cold start builds every schema its function reaches, so the mail chain's
 * import spent 14–19 % of its CPU in zod (docs/PERFORMANCE.md « Bundles and cold import »). The
 * console's route contracts (`shared/api/`) stay classic: mini and classic schemas share
 * `zod/v4/core`, so a classic object may hold a mini schema and parse it the same way.
 *
 * Classic zod registers the English messages at its first schema; mini registers none (its issues
 * would all read « Invalid input »). They are registered here when nothing else did, so a message
 * read in a log or in a configuration error is the same whichever API built the schema. The api
 * still asks for French per parse (`shared/http/middleware.ts`), which wins over this default.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

if (!config().localeError) config(en());

export * from 'zod/mini';
