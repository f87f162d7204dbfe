/**
 * What staff do with reply templates (« Réponses types »): list those they see, write, edit and
 * delete the ones they may, and render one for a ticket. Who may do what is the domain's
 * (`shared/domain/reply-template.ts`); a step reads, asks the domain, writes.
 *
 * Managing templates changes no ticket, so no ticket history line is written here: the reply an
 * agent sends from a rendered template is recorded as every reply is.
 */
import type { DirectoryLookup } from '#shared/domain/directory.ts';
import { TicketNotFoundError } from '#shared/domain/errors.ts';
import {
  editReplyTemplate,
  mayChange,
  newReplyTemplate,
  type ReplyTemplate,
  type ReplyTemplateInput,
  ReplyTemplateNotFoundError,
  type ReplyTemplateStore,
  renderTemplate,
  sortTemplates,
  type TemplateActor,
  templateValues,
  visibleTo,
} from '#shared/domain/reply-template.ts';
import type { TicketReads } from '#shared/domain/staff-ports.ts';

/** What the template steps are given. */
export type TemplateStepDeps = {
  store: ReplyTemplateStore;
  /** The ticket a template is rendered for. */
  tickets: Pick<TicketReads, 'readTicket'>;
  /** What the directory says of the requester today (civility, names, schools). */
  directory: DirectoryLookup;
  now: () => Date;
  newId: () => string;
};

/** A template as its reader gets it, with whether they may change it. */
export type TemplateView = ReplyTemplate & { editable: boolean };

const viewOf = (template: ReplyTemplate, actor: TemplateActor): TemplateView => {
  const { owner: _, ...rest } = template;
  return { ...rest, editable: template.shared ? actor.groups.includes('admin') : true };
};

/** The shared templates and the actor's own, shared first, then by name. */
export async function listTemplates(
  actor: TemplateActor,
  deps: Pick<TemplateStepDeps, 'store'>,
): Promise<{ items: TemplateView[] }> {
  const templates = await deps.store.listFor(actor.subject);
  return { items: sortTemplates(templates.filter((t) => visibleTo(t, actor))).map((t) => viewOf(t, actor)) };
}

/** One template the actor sees. @throws ReplyTemplateNotFoundError (also for someone else's personal one) */
export async function readTemplate(
  id: string,
  actor: TemplateActor,
  deps: Pick<TemplateStepDeps, 'store'>,
): Promise<TemplateView> {
  return viewOf(await visible(id, actor, deps), actor);
}

/** @throws SharedTemplateForbiddenError, UnknownTemplateVariableError */
export async function createTemplate(
  input: ReplyTemplateInput,
  actor: TemplateActor,
  deps: Pick<TemplateStepDeps, 'store' | 'now' | 'newId'>,
): Promise<TemplateView> {
  const template = newReplyTemplate(deps.newId(), input, actor, deps.now().toISOString());
  await deps.store.put(template);
  return viewOf(template, actor);
}

/** @throws ReplyTemplateNotFoundError, SharedTemplateForbiddenError, UnknownTemplateVariableError */
export async function updateTemplate(
  id: string,
  input: ReplyTemplateInput,
  actor: TemplateActor,
  deps: Pick<TemplateStepDeps, 'store' | 'now'>,
): Promise<TemplateView> {
  const template = await visible(id, actor, deps);
  const edited = editReplyTemplate(template, input, actor, deps.now().toISOString());
  await deps.store.put(edited);
  return viewOf(edited, actor);
}

/** @throws ReplyTemplateNotFoundError, SharedTemplateForbiddenError */
export async function deleteTemplate(
  id: string,
  actor: TemplateActor,
  deps: Pick<TemplateStepDeps, 'store'>,
): Promise<{ id: string }> {
  const template = await visible(id, actor, deps);
  mayChange(template, actor);
  await deps.store.delete(id);
  return { id };
}

/**
 * The template's text with every variable filled for the ticket, as the reply box gets it.
 * @throws ReplyTemplateNotFoundError, TicketNotFoundError
 * @throws UnknownTemplateVariableError, TemplateValueMissingError (each naming the variables)
 */
export async function renderTemplateFor(
  input: { id: string; number: string; agentName: string },
  actor: TemplateActor,
  deps: Pick<TemplateStepDeps, 'store' | 'tickets' | 'directory' | 'now'>,
): Promise<{ text: string }> {
  const [template, record] = await Promise.all([
    visible(input.id, actor, deps),
    deps.tickets.readTicket(input.number, deps.now()),
  ]);
  if (record === undefined) throw new TicketNotFoundError(input.number);
  const director = await deps.directory.findByEmail(record.ticket.requester.email);
  const values = templateValues({ ticket: record.ticket, director, agentName: input.agentName });
  return { text: renderTemplate(template.text, values) };
}

async function visible(
  id: string,
  actor: TemplateActor,
  deps: Pick<TemplateStepDeps, 'store'>,
): Promise<ReplyTemplate> {
  const template = await deps.store.get(id);
  if (template === undefined || !visibleTo(template, actor)) throw new ReplyTemplateNotFoundError(id);
  return template;
}
