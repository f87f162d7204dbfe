/**
 * Reply templates (« Réponses types »): a named text that staff insert in a reply, with
 * variables filled from the ticket and the directory. Admins keep the shared ones; each agent may
 * keep personal ones, which nobody else sees.
 *
 * A variable is written `{{nom}}` (spaces inside the braces are allowed). The known ones are
 * `TEMPLATE_VARIABLES`; any other is refused when the template is saved and when it is rendered,
 * with its name. A known variable that has no value for the ticket (a sender the directory does
 * not know has no civility, name or school) is also refused, with its name: the agent then picks
 * another template or writes the reply, rather than sending « Bonjour  , » to a director.
 */
import * as z from 'zod';
import type { DirectoryMatch, School } from './directory.ts';
import { DeskError } from './errors.ts';
import type { Ticket } from './records.ts';
import { civilityWord } from './replies.ts';
import type { StaffGroup } from './staff.ts';

/** The variables a template may use, and what each one is filled with. */
export const TEMPLATE_VARIABLES = {
  civilite: 'la civilité du directeur (Madame, Monsieur)',
  nom: 'le nom du directeur',
  prenom: 'le prénom du directeur',
  ecole: "le nom de l'école",
  uai: "l'UAI de l'école",
  ticket: 'le numéro du ticket',
  agent: "le nom de l'agent qui répond",
} as const;
export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;

const KNOWN = Object.keys(TEMPLATE_VARIABLES) as TemplateVariable[];

export const MAX_TEMPLATE_NAME = 120;
export const MAX_TEMPLATE_TEXT = 20_000;

/** A template's id: a UUID, made by the step. */
export const ReplyTemplateId = z.uuid({ error: 'Identifiant de réponse type invalide.' });

/** What staff write: a name, a text, and whether every agent sees it (`shared`: admins only). */
export const ReplyTemplateInput = z.object({
  name: z
    .string({ error: 'Nom attendu.' })
    .trim()
    .min(1, { error: 'Donnez un nom à la réponse type.' })
    .max(MAX_TEMPLATE_NAME, { error: `Le nom est trop long (${MAX_TEMPLATE_NAME} caractères au plus).` }),
  text: z
    .string({ error: 'Texte attendu.' })
    .max(MAX_TEMPLATE_TEXT, { error: `Le texte est trop long (${MAX_TEMPLATE_TEXT} caractères au plus).` })
    .refine((text) => text.trim() !== '', { error: 'Le texte de la réponse type est vide.' }),
  shared: z.boolean({ error: 'Précisez si la réponse type est partagée.' }),
});
export type ReplyTemplateInput = z.infer<typeof ReplyTemplateInput>;

/** A stored template. `owner` (the Cognito subject) only on a personal one. */
export const ReplyTemplate = ReplyTemplateInput.extend({
  id: ReplyTemplateId,
  owner: z.string().optional(),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type ReplyTemplate = z.infer<typeof ReplyTemplate>;

/** Who manages templates: their Cognito subject (owner of personal ones), address and groups. */
export type TemplateActor = { subject: string; email: string; groups: readonly StaffGroup[] };

/** The values a ticket gives its variables; a variable absent here has none for this ticket. */
export type TemplateValues = Partial<Record<TemplateVariable, string>>;

// ---------------------------------------------------------------------------------------------
// Refusals

/** The text names a variable that does not exist (a typo, or a variable of another tool). */
export class UnknownTemplateVariableError extends DeskError {
  override name = 'UnknownTemplateVariableError';
  constructor(readonly variables: string[]) {
    const named = variables.map((name) => `{{${name}}}`).join(', ');
    super(
      'invalid',
      'unknown_template_variable',
      `${variables.length > 1 ? 'Variables inconnues' : 'Variable inconnue'} : ${named}. Variables possibles : ${KNOWN.map((name) => `{{${name}}}`).join(', ')}.`,
      { details: [{ path: 'text', message: `Variable inconnue : ${named}.` }] },
    );
  }
}

/** A variable has no value for this ticket (the sender is not in the directory, has no school…). */
export class TemplateValueMissingError extends DeskError {
  override name = 'TemplateValueMissingError';
  constructor(readonly variables: TemplateVariable[]) {
    super(
      'unprocessable',
      'template_value_missing',
      `Ce ticket ne donne pas de valeur à ${variables.map((name) => `{{${name}}}`).join(', ')} (${variables.map((name) => TEMPLATE_VARIABLES[name]).join(', ')}) : choisissez une autre réponse type ou rédigez la réponse.`,
    );
  }
}

/** The template does not exist, or is someone else's personal one (which nobody else may know of). */
export class ReplyTemplateNotFoundError extends DeskError {
  override name = 'ReplyTemplateNotFoundError';
  constructor(readonly id: string) {
    super('not_found', 'reply_template_not_found', "Cette réponse type n'existe pas.");
  }
}

/** Only admins create, change or delete shared templates. */
export class SharedTemplateForbiddenError extends DeskError {
  override name = 'SharedTemplateForbiddenError';
  constructor() {
    super(
      'forbidden',
      'shared_template_forbidden',
      'Seuls les administrateurs gèrent les réponses types partagées. Vous pouvez créer une réponse type personnelle.',
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Variables and rendering

const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The variables a text names, each once, in order of first use. */
export function variablesOf(text: string): string[] {
  return [...new Set([...text.matchAll(VARIABLE)].map((match) => match[1] ?? ''))];
}

/** @throws UnknownTemplateVariableError naming every variable of `text` that is not known */
export function checkTemplateText(text: string): void {
  const unknown = variablesOf(text).filter((name) => !(KNOWN as string[]).includes(name));
  if (unknown.length > 0) throw new UnknownTemplateVariableError(unknown);
}

/**
 * The text with every variable replaced by its value. Nothing is left half filled: either every
 * variable has a value, or nothing is rendered.
 * @throws UnknownTemplateVariableError naming the unknown variables
 * @throws TemplateValueMissingError naming the variables without a value for this ticket
 */
export function renderTemplate(text: string, values: TemplateValues): string {
  checkTemplateText(text);
  const missing = (variablesOf(text) as TemplateVariable[]).filter((name) => !values[name]?.trim());
  if (missing.length > 0) throw new TemplateValueMissingError(missing);
  return text.replace(VARIABLE, (_, name: TemplateVariable) => values[name]?.trim() ?? '');
}

/**
 * What a ticket gives the variables: the director as the directory knows the requester today,
 * the school recognised when the ticket was opened (else the director's first one today), the
 * ticket's number, and the name the agent signs with.
 */
export function templateValues(input: {
  ticket: Pick<Ticket, 'number' | 'schools'>;
  director: Pick<DirectoryMatch, 'kind' | 'civility' | 'firstName' | 'lastName' | 'schools'> | undefined;
  agentName: string;
}): TemplateValues {
  const { ticket, director, agentName } = input;
  const school: School | undefined = ticket.schools[0] ?? director?.schools[0];
  const person = director?.kind === 'director' ? director : undefined;
  const values: TemplateValues = { ticket: ticket.number, agent: agentName };
  const civilite = civilityWord(person?.civility);
  if (civilite) values.civilite = civilite;
  if (person?.lastName) values.nom = person.lastName;
  if (person?.firstName) values.prenom = person.firstName;
  if (school) {
    values.ecole = school.name;
    values.uai = school.uai.toUpperCase();
  }
  return values;
}

// ---------------------------------------------------------------------------------------------
// Who sees and changes what

const isAdmin = (actor: Pick<TemplateActor, 'groups'>) => actor.groups.includes('admin');

/** Whether the actor sees the template: every shared one, and their own personal ones. */
export function visibleTo(template: Pick<ReplyTemplate, 'shared' | 'owner'>, actor: TemplateActor): boolean {
  return template.shared || template.owner === actor.subject;
}

/** Whether the actor may change or delete it: admins the shared ones, each person their own. */
export function editableBy(template: Pick<ReplyTemplate, 'shared' | 'owner'>, actor: TemplateActor): boolean {
  return template.shared ? isAdmin(actor) : template.owner === actor.subject;
}

/**
 * A new template, its text checked.
 * @throws SharedTemplateForbiddenError when an agent asks for a shared one
 * @throws UnknownTemplateVariableError
 */
export function newReplyTemplate(
  id: string,
  input: ReplyTemplateInput,
  actor: TemplateActor,
  now: string,
): ReplyTemplate {
  const content = ReplyTemplateInput.parse(input);
  if (content.shared && !isAdmin(actor)) throw new SharedTemplateForbiddenError();
  checkTemplateText(content.text);
  return {
    id,
    ...content,
    ...(content.shared ? {} : { owner: actor.subject }),
    createdAt: now,
    createdBy: actor.email,
    updatedAt: now,
    updatedBy: actor.email,
  };
}

/**
 * The template as edited. A personal one made shared (admins only) loses its owner; a shared one
 * made personal becomes the admin's own.
 * @throws ReplyTemplateNotFoundError for someone else's personal template
 * @throws SharedTemplateForbiddenError when an agent touches a shared one or makes one shared
 * @throws UnknownTemplateVariableError
 */
export function editReplyTemplate(
  template: ReplyTemplate,
  input: ReplyTemplateInput,
  actor: TemplateActor,
  now: string,
): ReplyTemplate {
  mayChange(template, actor);
  const content = ReplyTemplateInput.parse(input);
  if (content.shared && !isAdmin(actor)) throw new SharedTemplateForbiddenError();
  checkTemplateText(content.text);
  const { owner: _, ...rest } = template;
  return {
    ...rest,
    ...content,
    ...(content.shared ? {} : { owner: template.owner ?? actor.subject }),
    updatedAt: now,
    updatedBy: actor.email,
  };
}

/**
 * Refuses a change the actor may not make: someone else's personal template is not found (its
 * existence is not theirs to know), a shared one is forbidden to agents.
 * @throws ReplyTemplateNotFoundError, SharedTemplateForbiddenError
 */
export function mayChange(template: ReplyTemplate, actor: TemplateActor): void {
  if (!visibleTo(template, actor)) throw new ReplyTemplateNotFoundError(template.id);
  if (!editableBy(template, actor)) throw new SharedTemplateForbiddenError();
}

/** Templates in the order the console lists them: shared first, then by name (French order). */
export function sortTemplates(templates: ReplyTemplate[]): ReplyTemplate[] {
  const collator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });
  return [...templates].sort(
    (a, b) =>
      Number(b.shared) - Number(a.shared) || collator.compare(a.name, b.name) || a.id.localeCompare(b.id),
  );
}

/** The port the template steps need: templates by id, the shared ones, one person's own. */
export type ReplyTemplateStore = {
  get(id: string): Promise<ReplyTemplate | undefined>;
  /** Every shared template and the personal ones of `owner`. */
  listFor(owner: string): Promise<ReplyTemplate[]>;
  put(template: ReplyTemplate): Promise<void>;
  delete(id: string): Promise<void>;
};
