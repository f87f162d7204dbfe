/**
 * The reply templates' store against DynamoDB Local: a template read back as saved, a person's
 * list made of the shared templates and their own only, a change of scope moving the template
 * between lists, and a deletion.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#shared/adapters/clients/dynamodb.ts';
import { makeReplyTemplateStore } from '#shared/adapters/reply-template-store.ts';
import {
  editReplyTemplate,
  newReplyTemplate,
  type ReplyTemplateStore,
  type TemplateActor,
} from '#shared/domain/reply-template.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';

let test: TestResources;
let store: ReplyTemplateStore;

const NOW = '2027-01-04T08:00:00.000Z';
const camille: TemplateActor = { subject: 'sub-camille', email: 'camille@ac-dijon.fr', groups: ['agent'] };
const paul: TemplateActor = { subject: 'sub-paul', email: 'paul@ac-dijon.fr', groups: ['agent'] };
const admin: TemplateActor = { subject: 'sub-admin', email: 'admin@ac-dijon.fr', groups: ['agent', 'admin'] };

beforeAll(async () => {
  test = await makeTestResources('reply-template-store');
  store = makeReplyTemplateStore({
    client: documentClient(test.clients.dynamodb),
    tableName: test.resources.tableName,
  });
});

afterAll(() => test?.destroy());

const names = (list: { name: string }[]) => list.map((template) => template.name).sort();

describe('reply templates', () => {
  it('reads a template back as it was saved', async () => {
    // Prepare
    const template = newReplyTemplate(
      randomUUID(),
      { name: 'Accès', text: 'Bonjour {{nom}}', shared: false },
      camille,
      NOW,
    );
    // Act
    await store.put(template);
    // Assess
    expect(await store.get(template.id)).toEqual(template);
    expect(await store.get(randomUUID())).toBeUndefined();
  });

  it("lists the shared templates and the person's own, never someone else's personal ones", async () => {
    // Prepare
    await store.put(
      newReplyTemplate(randomUUID(), { name: 'Partagée', text: 'T', shared: true }, admin, NOW),
    );
    await store.put(newReplyTemplate(randomUUID(), { name: 'De Paul', text: 'T', shared: false }, paul, NOW));
    await store.put(
      newReplyTemplate(randomUUID(), { name: 'De Camille', text: 'T', shared: false }, camille, NOW),
    );
    // Act
    const forPaul = await store.listFor(paul.subject);
    // Assess
    expect(names(forPaul)).toContain('Partagée');
    expect(names(forPaul)).toContain('De Paul');
    expect(names(forPaul)).not.toContain('De Camille');
    expect(names(forPaul)).not.toContain('Accès');
  });

  it('moves a personal template made shared to everyone’s list', async () => {
    // Prepare
    const own = newReplyTemplate(
      randomUUID(),
      { name: 'Bientôt partagée', text: 'T', shared: false },
      admin,
      NOW,
    );
    await store.put(own);
    expect(names(await store.listFor(paul.subject))).not.toContain('Bientôt partagée');
    // Act
    await store.put(
      editReplyTemplate(own, { name: 'Bientôt partagée', text: 'T', shared: true }, admin, NOW),
    );
    // Assess
    expect(names(await store.listFor(paul.subject))).toContain('Bientôt partagée');
    expect(
      names(await store.listFor(admin.subject)).filter((name) => name === 'Bientôt partagée'),
    ).toHaveLength(1);
  });

  it('deletes a template', async () => {
    // Prepare
    const template = newReplyTemplate(
      randomUUID(),
      { name: 'À supprimer', text: 'T', shared: false },
      paul,
      NOW,
    );
    await store.put(template);
    // Act
    await store.delete(template.id);
    // Assess
    expect(await store.get(template.id)).toBeUndefined();
    expect(names(await store.listFor(paul.subject))).not.toContain('À supprimer');
  });
});
