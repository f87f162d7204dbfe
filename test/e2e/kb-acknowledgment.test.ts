/**
 * The knowledge base in the acknowledgment, through `npm start`'s own stack: an article published
 * through the API reaches the public index, and a director's new request about it is answered
 * with its link; a request the knowledge base does not cover gets no article at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendTestMail } from '#local/send-mail.ts';
import { headerOf, type SentMail, sentMails } from '../support/outbox.ts';
import { eventually, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let agent: string;
let admin: string;

beforeAll(async () => {
  stack = await startTestStack({ seedArticles: true });
  agent = await stack.token('agent@ac-dijon.fr', ['agent']);
  admin = await stack.token('admin@ac-dijon.fr', ['admin']);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

async function call(path: string, token: string, body?: unknown) {
  const response = await fetch(`${stack.desk.httpUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  expect(response.status, path).toBeLessThan(300);
  return (await response.json()) as { id: string };
}

/** Sends a director's new request and waits for its acknowledgment. */
async function acknowledgmentOf(subject: string, text: string): Promise<SentMail> {
  const sent = await sendTestMail({
    port: stack.desk.smtpPort,
    from: 'Camille Martin <camille.martin@ac-dijon.fr>',
    to: 'assistance1d@ac-dijon.fr',
    subject,
    text,
  });
  return eventually(
    async () =>
      (await sentMails(stack.desk.endpoints.ses, 'camille.martin@ac-dijon.fr')).find(
        (mail) => headerOf(mail, 'In-Reply-To') === `<${sent.messageId}>`,
      ),
    'the acknowledgment',
  );
}

describe('the acknowledgment of a new request', () => {
  it('suggests an article published a moment before, with its public link', async () => {
    // Prepare: an article on a question the demo articles do not cover, published by an admin,
    // then the public index that holds it.
    const { id } = await call('/api/articles', agent, {
      title: 'Le tampon de l’école n’apparaît pas sur les livrets imprimés',
      symptom: 'Le tampon et la signature du directeur manquent en bas des livrets édités en PDF.',
      solution:
        'Déposez l’image du **tampon** et de la **signature** dans « Paramétrage » › « Signature et tampon » (PNG, 300 ko au plus), puis éditez de nouveau les livrets.',
      tags: ['tampon', 'signature', 'impression'],
      application: 'LSU',
      visibility: 'public',
    });
    await call(`/api/articles/${id}/publish`, admin);
    await eventually(async () => {
      const feed = await fetch(`${stack.desk.httpUrl}/kb/feed.json`);
      return feed.ok && (await feed.text()).includes(`/kb/articles/${id}.html`);
    }, 'the export of the new article');

    // Act
    const ack = await acknowledgmentOf(
      'LSUN tampon absent des livrets',
      'Bonjour,\nLe tampon de l’école et ma signature n’apparaissent pas sur les livrets imprimés. Comment faire ?\nCordialement,\nCamille Martin',
    );

    // Assess
    expect(ack.body.text).toContain('base de connaissances');
    expect(ack.body.text).toContain(`${stack.desk.httpUrl}/kb/articles/${id}.html`);
    expect(ack.body.text).toContain('Le tampon de l’école n’apparaît pas sur les livrets imprimés');
  });

  it('suggests nothing for a question the knowledge base does not cover', async () => {
    // Act
    const ack = await acknowledgmentOf(
      'LSUN imprimante en panne',
      'Bonjour,\nL’imprimante de la salle des maîtres fait un bourrage papier à chaque impression depuis lundi. Pouvez-vous envoyer un technicien ?\nMerci,\nCamille Martin',
    );

    // Assess: the ticket is acknowledged, without a word of the knowledge base.
    expect(ack.subject).toMatch(/^\[LSUN-\d{4}-\d{5}\]/);
    expect(ack.body.text).not.toContain('base de connaissances');
    expect(ack.body.text).not.toContain('/kb/articles/');
  });
});
