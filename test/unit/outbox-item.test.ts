/**
 * An outgoing mail's item carries its body once: the queue message kept for the sweeper
 * (`outbox`) leaves out what the conversation's record already says, and is whole again when
 * read back. The body twice made an acknowledgment's item pass 2 KB (issue 12, write units).
 * Both are stored packed (`packed-text.ts`), so that an acknowledgment stays under 1 KB, one
 * write unit at each write; items written before, with the body and the queue message in clear,
 * read as they did.
 */
import { describe, expect, it } from 'vitest';
import { outboundItem, queuedMessage, receivedMessageItem, unpackedRecord } from '#shared/adapters/items.ts';
import { acknowledgment as deskAcknowledgment } from '#shared/domain/desk-mails.ts';
import { type OutboxMessage, outgoingMail, sentMessage } from '#shared/domain/messages.ts';
import { itemBytes } from '#test/support/call-recorder.ts';
import { incoming } from '#test/support/intake-records.ts';

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

    expect(item).not.toHaveProperty('text');
    expect(unpackedRecord(item).text).toBe(acknowledgment.text);
    expect(item.subject).toBe(acknowledgment.subject);
    expect(item.outbox).toBeInstanceOf(Uint8Array);
    expect(queuedMessage({ outbox: item.outbox })).not.toHaveProperty('text');
    expect(queuedMessage({ outbox: item.outbox })).not.toHaveProperty('subject');
    expect(queuedMessage({ outbox: item.outbox })).toMatchObject({
      inReplyTo: '<original@ac-dijon.fr>',
      autoSubmitted: true,
    });
  });

  it('gives the sweeper the queue message whole again', () => {
    const item = outboundItem(acknowledgment, '2026-03-05T07:00:00.000Z');

    expect(queuedMessage(item)).toEqual(acknowledgment);
  });

  it('reads an item written before bodies were packed as it was written', () => {
    const at = '2026-03-05T07:00:00.000Z';
    const { outboxId, purpose, from, fromName, to, subject, text, ...outbox } = acknowledgment;
    const before = { ...sentMessage(acknowledgment, at), outbox };

    expect(unpackedRecord(before)).toBe(before);
    expect(queuedMessage(before)).toEqual(acknowledgment);
  });

  it('keeps a desk acknowledgment of a director of two schools, with three suggestions, under 1 KB, claimed', () => {
    const message = incoming('0b2e6d1c9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c', {
      subject: 'LSUN – message d’erreur à l’ouverture du livret de fin de cycle',
      messageId: '<5b65ed390000.c10.JavaMail.zimbra@ac-dijon.fr>',
    });
    const requester = {
      kind: 'director' as const,
      email: message.from,
      name: 'Amélie Legrand',
      civility: 'Mme',
      firstName: 'Amélie',
      lastName: 'Legrand',
      schools: [
        {
          uai: '0581116Y',
          name: 'École maternelle Henri Wallon',
          commune: 'Clamecy',
          circonscription: 'Circonscription 58',
          departement: '58',
          mailbox: 'ce.0581116y@ac-dijon.fr',
        },
        {
          uai: '0586634W',
          name: 'École primaire Joséphine Baker',
          commune: 'Saint-Pierre-le-Moûtier',
          circonscription: 'Circonscription 58',
          departement: '58',
          mailbox: 'ce.0586634w@ac-dijon.fr',
        },
      ],
    };
    const mail = deskAcknowledgment(
      { message, requester, deskAddress: 'assistance.1erdegre@ac-dijon.fr' },
      'LSUN-2026-00030',
      { deskDisplayName: 'Assistance LSUN – Académie de Dijon' },
      [
        {
          title: 'Saisir les appréciations des élèves dans LSU',
          url: 'https://assistance-lsun.ac-dijon.fr/kb/saisir-les-appreciations-des-eleves',
        },
        {
          title: 'Éditer les livrets de fin de cycle',
          url: 'https://assistance-lsun.ac-dijon.fr/kb/editer-les-livrets-de-fin-de-cycle',
        },
        {
          title: 'Message d’erreur à l’ouverture d’un livret',
          url: 'https://assistance-lsun.ac-dijon.fr/kb/message-erreur-ouverture-livret',
        },
      ],
    );
    const claim = { status: 'sending', leaseUntil: '2026-12-07T16:45:03.734Z' };

    const item = { ...outboundItem(mail, message.receivedAt), ...claim };

    expect(itemBytes(item)).toBeLessThanOrEqual(1024);
    expect(queuedMessage(item)).toEqual(mail);
  });

  it('packs a received mail’s body and gives it back whole', () => {
    const message = incoming('0b2e6d1c9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c', {
      text: 'Bonjour,\n\nLes appréciations de la période 2 ont disparu.\n\nCordialement,\nAmélie Legrand',
    });

    const item = receivedMessageItem('LSUN-2026-00030', message);

    expect(item).not.toHaveProperty('text');
    expect(unpackedRecord(item).text).toBe(message.text);
  });
});
