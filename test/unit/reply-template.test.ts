import { describe, expect, it } from 'vitest';
import type { DirectoryMatch } from '#shared/domain/directory.ts';
import {
  editReplyTemplate,
  mayChange,
  newReplyTemplate,
  ReplyTemplateNotFoundError,
  renderTemplate,
  SharedTemplateForbiddenError,
  sortTemplates,
  TemplateValueMissingError,
  templateValues,
  UnknownTemplateVariableError,
  variablesOf,
} from '#shared/domain/reply-template.ts';
import { school } from '#test/support/staff.ts';

const NOW = '2026-03-05T09:00:00.000Z';
const ID = '6f1c2b8e-1d2a-4c3b-9e4f-5a6b7c8d9e0f';
const AGENT = { subject: 'sub-agent', email: 'agent@ac-dijon.fr', groups: ['agent' as const] };
const OTHER = { subject: 'sub-other', email: 'autre@ac-dijon.fr', groups: ['agent' as const] };
const ADMIN = {
  subject: 'sub-admin',
  email: 'admin@ac-dijon.fr',
  groups: ['agent' as const, 'admin' as const],
};

const director: DirectoryMatch = {
  kind: 'director',
  entryId: 'camille.martin@ac-dijon.fr',
  civility: 'Mme',
  firstName: 'Camille',
  lastName: 'Martin',
  email: 'camille.martin@ac-dijon.fr',
  schools: [school('0211234a', '21')],
};

describe('renderTemplate', () => {
  it('fills every variable, spaces inside the braces allowed', () => {
    // Prepare
    const text = 'Bonjour {{civilite}} {{ nom }} ({{prenom}}), {{ecole}} {{uai}} : {{ticket}}. {{agent}}';
    const values = templateValues({
      ticket: { number: 'LSUN-2026-00042', schools: [school('0211234a', '21')] },
      director,
      agentName: 'Paul Durand',
    });
    // Act
    const text2 = renderTemplate(text, values);
    // Assess
    expect(text2).toBe(
      'Bonjour Madame Martin (Camille), École 0211234a 0211234A : LSUN-2026-00042. Paul Durand',
    );
  });

  it('refuses an unknown variable, naming it in French', () => {
    // Act
    const render = () => renderTemplate('Bonjour {{directeur}}, {{nom}} {{Nom}}', { nom: 'Martin' });
    // Assess
    expect(render).toThrow(UnknownTemplateVariableError);
    expect(render).toThrow(/Variables inconnues : \{\{directeur\}\}, \{\{Nom\}\}/);
  });

  it('refuses a variable that has no value for this ticket, naming it, rather than leaving a hole', () => {
    // Prepare: a sender the directory does not know: no civility, name nor school
    const values = templateValues({
      ticket: { number: 'LSUN-2026-00042', schools: [] },
      director: undefined,
      agentName: 'Paul Durand',
    });
    // Act
    const render = () => renderTemplate('Bonjour {{civilite}} {{nom}}, ticket {{ticket}}', values);
    // Assess
    expect(render).toThrow(TemplateValueMissingError);
    expect(render).toThrow(/\{\{civilite\}\}, \{\{nom\}\}/);
    expect(renderTemplate('Ticket {{ticket}}, {{agent}}', values)).toBe(
      'Ticket LSUN-2026-00042, Paul Durand',
    );
  });

  it('leaves text without variables, and unbalanced braces, as written', () => {
    expect(renderTemplate('Bonjour {nom} et {{ pas fermé', {})).toBe('Bonjour {nom} et {{ pas fermé');
  });

  it('takes the school of the ticket first, else the director’s today; a school mailbox has no person', () => {
    // Act
    const fromDirector = templateValues({
      ticket: { number: 'LSUN-2026-00042', schools: [] },
      director: { ...director, kind: 'school_mailbox' },
      agentName: 'A',
    });
    // Assess
    expect(fromDirector.uai).toBe('0211234A');
    expect(fromDirector.nom).toBeUndefined();
    expect(fromDirector.civilite).toBeUndefined();
  });

  it('lists the variables of a text once each', () => {
    expect(variablesOf('{{nom}} {{ nom }} {{uai}}')).toEqual(['nom', 'uai']);
  });
});

describe('who manages which template', () => {
  it('refuses a shared template to an agent, gives it to an admin', () => {
    // Act
    const byAgent = () => newReplyTemplate(ID, { name: 'N', text: 'T', shared: true }, AGENT, NOW);
    const byAdmin = newReplyTemplate(ID, { name: 'N', text: 'T', shared: true }, ADMIN, NOW);
    // Assess
    expect(byAgent).toThrow(SharedTemplateForbiddenError);
    expect(byAdmin.owner).toBeUndefined();
  });

  it('refuses to save a text with an unknown variable', () => {
    expect(() =>
      newReplyTemplate(ID, { name: 'N', text: 'Bonjour {{directeur}}', shared: false }, AGENT, NOW),
    ).toThrow(/Variable inconnue : \{\{directeur\}\}/);
  });

  it('keeps a personal template to its owner: someone else, even an admin, does not find it', () => {
    // Prepare
    const mine = newReplyTemplate(ID, { name: 'N', text: 'T', shared: false }, AGENT, NOW);
    // Act, Assess
    expect(mine.owner).toBe('sub-agent');
    expect(() => mayChange(mine, OTHER)).toThrow(ReplyTemplateNotFoundError);
    expect(() => mayChange(mine, ADMIN)).toThrow(ReplyTemplateNotFoundError);
    expect(() => mayChange(mine, AGENT)).not.toThrow();
  });

  it('lets an admin edit a shared template, not an agent', () => {
    // Prepare
    const shared = newReplyTemplate(ID, { name: 'N', text: 'T', shared: true }, ADMIN, NOW);
    // Act
    const edited = editReplyTemplate(shared, { name: 'N2', text: 'T {{nom}}', shared: true }, ADMIN, NOW);
    // Assess
    expect(edited.name).toBe('N2');
    expect(() => editReplyTemplate(shared, { name: 'N3', text: 'T', shared: true }, AGENT, NOW)).toThrow(
      SharedTemplateForbiddenError,
    );
  });

  it('refuses an agent making their own template shared', () => {
    const mine = newReplyTemplate(ID, { name: 'N', text: 'T', shared: false }, AGENT, NOW);
    expect(() => editReplyTemplate(mine, { name: 'N', text: 'T', shared: true }, AGENT, NOW)).toThrow(
      SharedTemplateForbiddenError,
    );
  });

  it('sorts shared templates first, then by name in French order', () => {
    // Prepare
    const a = newReplyTemplate(
      `${ID.slice(0, -1)}1`,
      { name: 'élèves', text: 'T', shared: false },
      AGENT,
      NOW,
    );
    const b = newReplyTemplate(`${ID.slice(0, -1)}2`, { name: 'Zéro', text: 'T', shared: true }, ADMIN, NOW);
    const c = newReplyTemplate(
      `${ID.slice(0, -1)}3`,
      { name: 'Accès', text: 'T', shared: false },
      AGENT,
      NOW,
    );
    // Act, Assess
    expect(sortTemplates([a, b, c]).map((t) => t.name)).toEqual(['Zéro', 'Accès', 'élèves']);
  });
});
