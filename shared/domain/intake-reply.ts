/**
 * The automatic reply a received mail got when it opened no ticket (no keyword, not a director,
 * quota notice), as recorded beside its intake entry and as the console shows it.
 */
import * as z from 'zod';

export const IntakeReply = z.object({
  outboxId: z.string(),
  purpose: z.string(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  status: z.enum(['queued', 'sent', 'failed']).optional(),
  /** When the mailer sent it. */
  sentAt: z.string().optional(),
});
export type IntakeReply = z.infer<typeof IntakeReply>;
