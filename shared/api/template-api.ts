/**
 * The routes of `template-contract.ts`, one step each: the router has checked the group and
 * parsed the request; the steps and the domain refuse what the caller may not do.
 */
import type { Implementations } from '#shared/api/router.ts';
import type { Caller } from '#shared/http/auth.ts';
import type { ApiEvent } from '#shared/http/middleware.ts';
import {
  createTemplate,
  deleteTemplate,
  listTemplates,
  readTemplate,
  renderTemplateFor,
  type TemplateStepDeps,
  updateTemplate,
} from '#shared/steps/templates.ts';
import type { Routes } from './contract.ts';
import { actorOf } from './tickets-api.ts';

/** What these routes' steps are given (filled by `shared/wiring/template.ts`). */
export type TemplateDeps = TemplateStepDeps;

/** The implementations. */
export function templateApi(deps: TemplateDeps) {
  return {
    'GET /api/reply-templates': async ({ caller }) => listTemplates(caller, deps),
    'POST /api/reply-templates': async ({ caller, body }) => createTemplate(body, caller, deps),
    'GET /api/reply-templates/{id}': async ({ caller, path }) => readTemplate(path.id, caller, deps),
    'PUT /api/reply-templates/{id}': async ({ caller, path, body }) =>
      updateTemplate(path.id, body, caller, deps),
    'DELETE /api/reply-templates/{id}': async ({ caller, path }) => deleteTemplate(path.id, caller, deps),
    'POST /api/tickets/{number}/reply-templates/{id}/render': async ({ caller, path, event }) =>
      renderTemplateFor(
        { id: path.id, number: path.number, agentName: agentName(caller, event) },
        caller,
        deps,
      ),
  } satisfies Partial<Implementations<Routes>>;
}

/** The name the agent signs replies with: `{{agent}}`. */
function agentName(caller: Caller, event: ApiEvent): string {
  return actorOf(caller, event).name;
}
