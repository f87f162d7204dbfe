/**
 * The desk's staff, as the user pool groups them: `agent` works the tickets and the intake log;
 * `admin` can do everything an agent can, and also keeps the directory.
 */
import * as z from 'zod';

/** The staff groups of the user pool. `admin` can do everything `agent` can. */
export const StaffGroup = z.enum(['agent', 'admin']);
export type StaffGroup = z.infer<typeof StaffGroup>;
