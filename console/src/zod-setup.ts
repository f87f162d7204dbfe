/**
 * zod's global settings, imported first by `main.tsx` so they hold before any schema is built
 * (zod reads `jitless` when a schema is constructed, at module load):
 * - `jitless`: no `new Function` (zod's JIT), which the console's CSP forbids (`script-src
 *   'self'`, no 'unsafe-eval'); without it zod probes with `Function('')`, and the browser
 *   reports a CSP violation;
 * - French messages for the checks the console makes itself.
 */
import * as z from 'zod';

z.config({ ...z.locales.fr(), jitless: true });
