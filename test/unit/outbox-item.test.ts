/**
 * An outgoing mail's item carries its body once: the queue message kept for the sweeper
 * (`outbox`) leaves out what the conversation's record already says, and is whole again when
 * read back. The body twice made an acknowledgment's item pass 2 KB (issue 12, write units).
 */
import { describe, expect, it } from 'vitest';
import { outboundItem, queuedMessage } from '#shared/adapters/items.ts';
import { type OutboxMessage, outgoingMail } from '#shared/domain/messages.ts';

const acknowledgment: OutboxMessage = outgoingMail({
  outboxId: 'ack-1',
  record: { on: 'ticket', ticketNumber: 'LSUN-2026-00001', at: '2026-03-05T07:00:00.000Z' },
  purpose: 'acknowledgment',
  ticketNumber: 'LSUN-2026-00001',
  from: 'assistance@lsun.example',
  fromName: 'Assistance LSUN',
  to: 'directeur@ac-dijon.fr',
  subject: '[LSUN-2026-00001] Votre demande est enregistrée',
  text: 'Bonjour,\n\nVotre demande a bien été enregistrée sous le numéro LSUN-2026-00001.\n'.repeat(8),
  inReplyTo: '<original@ac-dijon.fr>',
  references: ['<original@ac-dijon.fr>'],
});

describe('an outgoing mail’s item', () => {
  it('holds the body and the subject once, in the conversation’s record', () => {
    const item = outboundItem(acknowledgment, '2026-03-05T07:00:00.000Z');

    expect(item.text).toBe(acknowledgment.text);
    expect(item.outbox).not.toHaveProperty('text');
    expect(item.outbox).not.toHaveProperty('subject');
    expect(item.outbox).toMatchObject({ inReplyTo: '<original@ac-dijon.fr>', autoSubmitted: true });
  });

  it('gives the sweeper the queue message whole again', () => {
    const item = outboundItem(acknowledgment, '2026-03-05T07:00:00.000Z');

    expect(queuedMessage(item)).toEqual(acknowledgment);
  });
});
