/**
 * The automatic reply a received mail got when it opened no ticket (no keyword, not a director,
 * quota notice), as recorded beside its intake entry and as the console shows it.
 */
import * as z from 'zod';
import { IntakeEntry, SendReport } from './records.ts';

export const IntakeReply = z.object({
  outboxId: z.string(),
  purpose: z.string(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  /** How far its sending got: `sent` with SES's id and time, `failed`/`unknown` with why. */
  ...SendReport.shape,
});
export type IntakeReply = z.infer<typeof IntakeReply>;

/** A received mail as its page in the intake log shows it: its entry and the automatic reply it got. */
export const IntakeDetail = z.object({ entry: IntakeEntry, reply: IntakeReply.nullable() });
export type IntakeDetail = z.infer<typeof IntakeDetail>;
