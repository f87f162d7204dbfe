import { z } from 'zod';

/** A school of the académie, as the directory knows it. */
export const School = z.object({
  uai: z.string(),
  name: z.string(),
  commune: z.string(),
  circonscription: z.string(),
  /** Département number as two digits: '21', '58', '71', '89'. */
  departement: z.string(),
  /** The school's functional mailbox, `ce.<uai>@ac-dijon.fr`, lower case. */
  mailbox: z.string(),
});
export type School = z.infer<typeof School>;

/**
 * Who the directory says a sender is: a director (by one of their addresses) or a school's
 * functional mailbox, which is read as that school's director.
 */
export const DirectoryMatch = z.object({
  kind: z.enum(['director', 'school_mailbox']),
  /** Directory entry that matched (director id, or `school:<uai>` for a mailbox). */
  entryId: z.string(),
  civility: z.string().optional(),
  lastName: z.string().optional(),
  firstName: z.string().optional(),
  email: z.string(),
  schools: z.array(School).min(1),
});
export type DirectoryMatch = z.infer<typeof DirectoryMatch>;

/** The port through which the intake asks who a sender is. */
export type DirectoryLookup = {
  /** The active directory entry for this address (lower case), if any. */
  findByEmail(email: string): Promise<DirectoryMatch | undefined>;
};
