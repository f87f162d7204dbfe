/**
 * The portal's routes of `portal-contract.ts`. The router has checked the portal's token and
 * scope and parsed the body; a request is screened, recorded and answered in this one call.
 */
import type { Implementations } from '#shared/api/router.ts';
import { type PortalDeps, submitPortalRequest } from '#shared/steps/portal.ts';
import type { Routes } from './contract.ts';

/** What the portal's routes need: the portal step's deps, and presigned upload URLs. */
export type PortalApiDeps = PortalDeps & {
  uploads: PortalDeps['uploads'] & {
    presignUpload(
      uploadId: string,
      file: { size: number; mimeType: string },
      now: Date,
    ): Promise<{ url: string; headers: Record<string, string>; expiresAt: string }>;
  };
  newId: () => string;
};

/** The portal routes' implementations. */
export function portalApi(deps: PortalApiDeps) {
  return {
    'POST /api/portal/uploads': async ({ body }) => {
      const uploadId = deps.newId();
      return {
        uploadId,
        method: 'PUT' as const,
        ...(await deps.uploads.presignUpload(uploadId, body, deps.now())),
      };
    },
    'POST /api/portal/requests': async ({ body }) =>
      submitPortalRequest(
        {
          requester: body.requester.email,
          requesterName: body.requester.name ?? '',
          subject: body.subject,
          text: body.text,
          idempotencyKey: body.idempotencyKey,
          ticketNumber: body.ticketNumber,
        },
        body.attachments,
        deps,
      ),
  } satisfies Partial<Implementations<Routes>>;
}
