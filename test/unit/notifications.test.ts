/**
 * Notifications to staff: who an event tells (the ticket's agent, never the one who acted, never
 * a director), what the mail says (French, the ticket's link, no director's text, generated), and
 * the steps over fake ports (preferences respected, a repeated event queues the same mail).
 */
import { describe, expect, it } from 'vitest';
import { autoSubmittedValue, type OutboxMessage } from '#shared/domain/messages.ts';
import {
  DEFAULT_NOTIFICATION_PREFS,
  DirectorRecipientError,
  type NotificationPrefs,
  noticeRecipient,
  notificationMail,
  ticketLink,
} from '#shared/domain/notifications.ts';
import type { Ticket } from '#shared/domain/records.ts';
import { type FollowUpNotifierDeps, notifyAssignment, notifyFollowUp } from '#shared/steps/notifications.ts';
import { tilleuls } from '../support/intake-records.ts';

const DIRECTOR = 'camille.martin@ac-dijon.fr';
const AGENT = 'alex.agent@ac-dijon.fr';
const LEAD = 'lea.lead@ac-dijon.fr';

const ticket: Ticket = {
  number: 'LSUN-2026-00042',
  status: 'en_cours',
  subject: 'LSUN : bulletins introuvables',
  requester: { email: DIRECTOR, name: 'Camille Martin' },
  schools: [tilleuls],
  participants: [DIRECTOR],
  openedBy: 'ses-1',
  createdAt: '2026-03-02T08:00:00.000Z',
  updatedAt: '2026-03-02T08:00:00.000Z',
  messageCount: 2,
  assignee: AGENT,
};

const mailInput = {
  ticket,
  to: AGENT,
  eventId: 'hist-1',
  publicBaseUrl: 'https://assistance.example.fr/',
  from: 'assistance1d@ac-dijon.fr',
  fromName: 'Assistance LSUN',
};

describe('who a notification goes to', () => {
  it('tells the assignee of an assignment made by someone else', () => {
    // Act
    const to = noticeRecipient({ kind: 'assigned', ticket, actor: LEAD, prefs: DEFAULT_NOTIFICATION_PREFS });
    // Assess
    expect(to).toBe(AGENT);
  });

  it('tells nobody when agents assign a ticket to themselves, whatever the case of their address', () => {
    const to = noticeRecipient({
      kind: 'assigned',
      ticket,
      actor: 'Alex.Agent@AC-DIJON.fr',
      prefs: DEFAULT_NOTIFICATION_PREFS,
    });
    expect(to).toBeUndefined();
  });

  it('tells nobody of a follow-up on a ticket nobody is assigned', () => {
    const { assignee: _, ...unassigned } = ticket;
    const to = noticeRecipient({
      kind: 'follow_up',
      ticket: unassigned,
      actor: DIRECTOR,
      prefs: DEFAULT_NOTIFICATION_PREFS,
    });
    expect(to).toBeUndefined();
  });

  it('respects each kind turned off on its own', () => {
    // Prepare
    const prefs: NotificationPrefs = { assigned: false, follow_up: true };
    // Act
    const assigned = noticeRecipient({ kind: 'assigned', ticket, actor: LEAD, prefs });
    const followUp = noticeRecipient({ kind: 'follow_up', ticket, actor: DIRECTOR, prefs });
    // Assess
    expect(assigned).toBeUndefined();
    expect(followUp).toBe(AGENT);
  });

  it('never tells a director, even one recorded as the assignee', () => {
    const to = noticeRecipient({
      kind: 'assigned',
      ticket: { ...ticket, assignee: DIRECTOR.toUpperCase() },
      actor: LEAD,
      prefs: DEFAULT_NOTIFICATION_PREFS,
    });
    expect(to).toBeUndefined();
    expect(() => notificationMail({ ...mailInput, kind: 'assigned', to: DIRECTOR })).toThrow(
      DirectorRecipientError,
    );
  });
});

describe('the notification mail', () => {
  it('links to the ticket page, names the school and who asked, and is generated', () => {
    // Act
    const mail = notificationMail({ ...mailInput, kind: 'assigned', by: 'Léa Lead' });
    // Assess
    expect(mail.to).toBe(AGENT);
    expect(mail.subject).toBe('[Assistance LSUN] Ticket LSUN-2026-00042 attribué');
    expect(mail.text).toContain('https://assistance.example.fr/tickets/LSUN-2026-00042');
    expect(mail.text).toContain('vous a été attribué par Léa Lead');
    expect(mail.text).toContain(`${tilleuls.name} (${tilleuls.uai})`);
    expect(mail.text).toContain('Demandeur : Camille Martin');
    expect(autoSubmittedValue(mail)).toBe('auto-generated');
    expect(mail.record).toEqual({ on: 'notification', id: 'assigned.hist-1' });
  });

  it('keeps the follow-up mail out of the ticket thread: no tag in the subject, no references', () => {
    const mail = notificationMail({ ...mailInput, kind: 'follow_up' });
    expect(mail.subject).toBe('[Assistance LSUN] Relance sur le ticket LSUN-2026-00042');
    expect(mail.subject).not.toContain('[LSUN-');
    expect(mail.references).toEqual([]);
    expect(mail.inReplyTo).toBeUndefined();
    expect(mail.purpose).toBe('notify_follow_up');
  });

  it('leaves other automatic mails auto-replied and staff replies unmarked', () => {
    const mail = notificationMail({ ...mailInput, kind: 'assigned' });
    expect(autoSubmittedValue({ ...mail, purpose: 'acknowledgment' })).toBe('auto-replied');
    expect(autoSubmittedValue({ ...mail, purpose: 'staff_reply', autoSubmitted: false })).toBeUndefined();
  });

  it('builds the link without a doubled slash', () => {
    expect(ticketLink('http://127.0.0.1:3000//', 'LSUN-2026-00001')).toBe(
      'http://127.0.0.1:3000/tickets/LSUN-2026-00001',
    );
  });
});

/** The notifier over fake ports: what it recorded and queued, with the agent's choices. */
function fakeNotifier(prefs: Record<string, NotificationPrefs> = {}) {
  const recorded = new Map<string, OutboxMessage>();
  const queued: OutboxMessage[] = [];
  const deps: FollowUpNotifierDeps = {
    prefs: { readPrefs: async (email) => prefs[email] },
    records: {
      recordNotification: async (mail) => {
        if (mail.record.on === 'notification' && !recorded.has(mail.record.id))
          recorded.set(mail.record.id, mail);
      },
    },
    outbox: { send: async (mail) => void queued.push(mail) },
    tickets: {
      getTicket: async (number) => (number === ticket.number ? { ticket, expiresAt: undefined } : undefined),
    },
    publicBaseUrl: 'http://127.0.0.1:3000',
    from: 'assistance1d@ac-dijon.fr',
    fromName: 'Assistance LSUN',
    retentionDays: 365,
    now: () => new Date('2026-03-05T09:00:00.000Z'),
  };
  return { deps, recorded, queued };
}

describe('the notification steps', () => {
  it('records then queues one mail to the new assignee', async () => {
    // Prepare
    const { deps, recorded, queued } = fakeNotifier();
    // Act
    await notifyAssignment({ ticket, actor: { email: LEAD, name: 'Léa Lead' }, historyId: 'h1' }, deps);
    // Assess
    expect(recorded.size).toBe(1);
    expect(queued.map((mail) => mail.to)).toEqual([AGENT]);
  });

  it('queues the same mail again for the same follow-up, with one record for the mailer to claim once', async () => {
    const { deps, recorded, queued } = fakeNotifier();
    const input = { ticketNumber: ticket.number, sesMessageId: 'ses-9', from: DIRECTOR };
    await notifyFollowUp(input, deps);
    await notifyFollowUp(input, deps);
    expect(recorded.size).toBe(1);
    expect(queued).toHaveLength(2);
    expect(queued[0]?.outboxId).toBe(queued[1]?.outboxId);
  });

  it('sends nothing to an agent who turned follow-ups off', async () => {
    const { deps, queued } = fakeNotifier({ [AGENT]: { assigned: true, follow_up: false } });
    const sent = await notifyFollowUp(
      { ticketNumber: ticket.number, sesMessageId: 'ses-9', from: DIRECTOR },
      deps,
    );
    expect(sent).toBeUndefined();
    expect(queued).toEqual([]);
  });
});
