/**
 * The routes of the académie's portal (`/api/portal/*`): the second way in, beside mail. They
 * are declared `portal`: only an OAuth 2 client-credentials access token carrying
 * `lsun/portal.write` is let in (API Gateway's authorizer of the route checks it, the router
 * again), never a staff token; a portal token opens no staff route.
 *
 * Attachments do not travel in the request: a Lambda payload is at most 6 MB, and base64 would
 * make 10 MB of files 13.3 MB. The portal first asks `POST /api/portal/uploads` for one
 * short-lived presigned S3 `PUT` URL per file (signed for the declared size), sends each file
 * there, then names the uploads in `POST /api/portal/requests`; the desk checks that they exist
 * and weigh at most 10 MB together.
 *
 * Pure module (zod only).
 */
import * as z from 'zod';
import {
  IDEMPOTENCY_KEY_PATTERN,
  PORTAL_ATTACHMENTS_MAX_BYTES,
  PORTAL_ATTACHMENTS_MAX_COUNT,
  PortalAnswer,
} from '../domain/portal.ts';
import type { RouteDeclarations } from './declaration.ts';

export { PortalAnswer };

/** A file name as a person reads it: no path, no control character. */
const Filename = z
  .string({ error: 'Le nom du fichier est requis.' })
  .trim()
  .min(1, { error: 'Le nom du fichier est requis.' })
  .max(200, { error: 'Le nom du fichier dépasse 200 caractères.' })
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  .regex(/^[^/\\\u0000-\u001f]+$/, { error: 'Le nom du fichier ne peut contenir ni « / », ni « \\ ».' });

/** A media type, `type/subtype`. */
const MimeType = z
  .string({ error: 'Le type du fichier est requis.' })
  .regex(/^[\w.+-]+\/[\w.+-]+$/, { error: 'Le type du fichier doit être de la forme « type/sous-type ».' });

/** `POST /api/portal/uploads`: one file to come. */
export const PortalUploadRequest = z.object({
  filename: Filename,
  mimeType: MimeType,
  size: z
    .number({ error: 'La taille du fichier (en octets) est requise.' })
    .int({ error: 'La taille du fichier doit être un nombre entier d’octets.' })
    .positive({ error: 'Le fichier est vide.' })
    .max(PORTAL_ATTACHMENTS_MAX_BYTES, { error: 'Un fichier ne peut dépasser 10 Mo.' }),
});
export type PortalUploadRequest = z.infer<typeof PortalUploadRequest>;

/** Where to send the file: a `PUT` of exactly `size` bytes, with these headers, before `expiresAt`. */
export const PortalUpload = z.object({
  uploadId: z.string(),
  url: z.string(),
  method: z.literal('PUT'),
  headers: z.record(z.string(), z.string()),
  expiresAt: z.string(),
});
export type PortalUpload = z.infer<typeof PortalUpload>;

/** `POST /api/portal/requests`: a director's request, as the portal vouches for it. */
export const PortalRequestBody = z.object({
  requester: z.object(
    {
      email: z.email({
        error: "L'adresse du directeur ou de la directrice doit être une adresse électronique valide.",
      }),
      name: z.string().trim().max(200, { error: 'Le nom dépasse 200 caractères.' }).optional(),
    },
    { error: 'Le demandeur (adresse électronique et nom) est requis.' },
  ),
  subject: z
    .string({ error: "L'objet de la demande est requis." })
    .trim()
    .min(1, { error: "L'objet de la demande est vide." })
    .max(250, { error: "L'objet de la demande dépasse 250 caractères." }),
  text: z
    .string({ error: 'Le texte de la demande est requis.' })
    .trim()
    .min(1, { error: 'Le texte de la demande est vide.' })
    .max(100_000, { error: 'Le texte de la demande dépasse 100 000 caractères.' }),
  idempotencyKey: z.string({ error: "La clé d'idempotence est requise." }).regex(IDEMPOTENCY_KEY_PATTERN, {
    error: "La clé d'idempotence doit compter de 8 à 100 caractères parmi lettres, chiffres, « - » et « _ ».",
  }),
  ticketNumber: z
    .string()
    .regex(/^LSUN-\d{4}-\d{5,}$/, { error: 'Le numéro de ticket doit être de la forme « LSUN-2026-00123 ».' })
    .optional(),
  attachments: z
    .array(
      z.object({
        uploadId: z.uuid({ error: 'Identifiant de dépôt invalide.' }),
        filename: Filename,
        mimeType: MimeType,
      }),
    )
    .max(PORTAL_ATTACHMENTS_MAX_COUNT, { error: `Au plus ${PORTAL_ATTACHMENTS_MAX_COUNT} pièces jointes.` })
    .default([]),
});
export type PortalRequestBody = z.infer<typeof PortalRequestBody>;

/** The portal's routes. */
export const portalRoutes = {
  'POST /api/portal/uploads': {
    group: 'portal',
    body: PortalUploadRequest,
    response: PortalUpload,
    status: 201,
  },
  'POST /api/portal/requests': {
    group: 'portal',
    body: PortalRequestBody,
    response: PortalAnswer,
    status: 200,
  },
} as const satisfies RouteDeclarations;
