/**
 * What staff see of a ticket: its page (the conversation, the history, what the directory says
 * of the requester today) and the answer of each action. The staff steps build these; the API
 * contract (`shared/api/contract.ts`) declares them as its answers.
 */
import * as z from 'zod';
import { School } from './directory.ts';
import { Ticket, TicketHistoryEntry, TicketMessage, TicketNote } from './records.ts';
// The records are zod/mini (the functions build them at import): views extend them with its functions.
import * as mini from './zod.ts';

/** One entry of the conversation: a mail (in or out) or an internal note, in time order. */
export const ConversationEntry = z.discriminatedUnion('kind', [
  mini.extend(TicketMessage, { kind: z.literal('message') }),
  mini.extend(TicketNote, { kind: z.literal('note') }),
]);
export type ConversationEntry = z.infer<typeof ConversationEntry>;

/** One response clock: its due time, whether it still runs, whether it is late. */
export const ClockState = z.object({
  /** ISO instant before which the step should happen. */
  dueAt: z.string(),
  /** False once stopped: the first reply sent (first response), the ticket resolved or closed (both). */
  running: z.boolean(),
  /** Running and past its due time. */
  late: z.boolean(),
});
export type ClockState = z.infer<typeof ClockState>;

/**
 * A ticket's response clocks, counted in working hours of the académie from its creation
 * (`shared/domain/response-clock.ts`): the first reply from staff and the resolution. `late` is
 * either one late. Computed at read time, never stored: the API adds it to the list and the page.
 */
export const TicketClock = z.object({
  firstResponse: ClockState,
  resolution: ClockState,
  late: z.boolean(),
});
export type TicketClock = z.infer<typeof TicketClock>;

/** A ticket of the list, with its clocks. */
export const TicketListItem = mini.extend(Ticket, { clock: TicketClock });
export type TicketListItem = z.infer<typeof TicketListItem>;

/** The director the directory recognises for the requester's address, if still there. */
export const RecognisedDirector = z.object({
  kind: z.enum(['director', 'school_mailbox']),
  entryId: z.string(),
  civility: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string(),
  schools: z.array(School),
});
export type RecognisedDirector = z.infer<typeof RecognisedDirector>;

/**
 * A ticket as its page shows it: the ticket's own fields, then `messages`, its conversation in
 * time order (incoming mails, our acknowledgment, staff replies and internal notes, told apart
 * by `kind` and, for mails, `direction` and `purpose`), its `history` (oldest first), and
 * `director`, what the directory says of the requester today (null if unknown), and `clock`, its
 * response clocks. `schools` are
 * the schools recognised when the ticket was opened.
 */
export const TicketDetail = mini.extend(Ticket, {
  messages: z.array(ConversationEntry),
  history: z.array(TicketHistoryEntry),
  director: RecognisedDirector.nullable(),
  clock: TicketClock,
});
export type TicketDetail = z.infer<typeof TicketDetail>;

/** The answer of every ticket action: the ticket as now stored and the history line written (null when nothing changed). */
export const TicketActionResult = z.object({
  ticket: Ticket,
  history: z.nullable(TicketHistoryEntry),
});
export type TicketActionResult = z.infer<typeof TicketActionResult>;

/** POST /reply answers 202: the reply is queued for sending (`message.status` says how far it got). */
export const ReplyResult = TicketActionResult.extend({ message: TicketMessage });
export type ReplyResult = z.infer<typeof ReplyResult>;

/** POST /notes answers 201. */
export const NoteResult = TicketActionResult.extend({ note: TicketNote });
export type NoteResult = z.infer<typeof NoteResult>;
