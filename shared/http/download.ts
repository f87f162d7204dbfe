/**
 * Files and downloads of the staff API. Mails and attachments as received (bytes which may be
 * anything a director sent, so never rendered by the browser) are downloaded from S3 through
 * short-lived links whose answer carries the headers built here; the console's mail reader
 * still gets a raw mail's bytes through the API, up to what a Lambda answer carries. Files the
 * desk writes itself (the directory's CSV export) are answered as they are.
 */
import { FileTooLargeError } from '#shared/domain/errors.ts';
import type { ApiResult } from './middleware.ts';

/** Bytes to hand over as they are (a raw mail, an attachment). */
export type Download = { bytes: Uint8Array; filename: string; contentType: string };
/** A text file the desk wrote (the CSV export): its type and name are ours. */
export type TextFile = { text: string; filename: string; contentType: string };
/** What a route that answers a file returns. */
export type FileResult = Download | TextFile;

/** Larger files do not fit in a Lambda response once base64-encoded (6 MB): those go by link. */
const MAX_DOWNLOAD_BYTES = 4_000_000;

/** Types a browser could render or run if it ignored `attachment`: served as bytes. */
const ACTIVE_TYPES =
  /^(text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/xml|application\/xml|text\/javascript|application\/javascript|application\/x-javascript)$/i;
const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;

/** `Content-Disposition: attachment` with an ASCII file name and the exact one (RFC 6266 / 5987). */
export function attachmentDisposition(filename: string): string {
  const exact =
    filename
      .replace(/[\p{Cc}/\\]/gu, '_')
      .trim()
      .slice(0, 200) || 'fichier';
  const ascii =
    exact
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/[^A-Za-z0-9._ -]/g, '_')
      .slice(0, 120) || 'fichier';
  const encoded = encodeURIComponent(exact).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * The type a received file is handed over with: its own, unless it is malformed or one a
 * browser could render or run (HTML, SVG, XML, scripts), then `application/octet-stream`.
 */
export function downloadType(contentType: string): string {
  return MIME_TYPE.test(contentType) && !ACTIVE_TYPES.test(contentType)
    ? contentType
    : 'application/octet-stream';
}

/**
 * The headers a download link makes S3 answer with (`response-content-disposition`,
 * `response-content-type`): saved under its own name, typed so that nothing is rendered.
 */
export function linkHeaders(file: { filename: string; contentType: string }): {
  contentDisposition: string;
  contentType: string;
} {
  return {
    contentDisposition: attachmentDisposition(file.filename),
    contentType: downloadType(file.contentType),
  };
}

/**
 * Bytes as an answer of the API (the console's mail reader): base64 through API Gateway, never
 * rendered by the browser (attachment, nosniff, a sandboxing CSP), never cached.
 * @throws FileTooLargeError past what a Lambda response can carry
 */
export function download(file: Download): ApiResult {
  if (file.bytes.byteLength > MAX_DOWNLOAD_BYTES) {
    throw new FileTooLargeError();
  }
  return {
    statusCode: 200,
    headers: {
      'Content-Type': downloadType(file.contentType),
      'Content-Disposition': attachmentDisposition(file.filename),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "sandbox; default-src 'none'",
    },
    body: Buffer.from(file.bytes).toString('base64'),
    isBase64Encoded: true,
  };
}

/**
 * A file as the answer of a route: bytes received from outside go through `download`; a text
 * the desk wrote keeps its type (a spreadsheet opens it) and its plain ASCII name.
 */
export function fileResponse(file: FileResult): ApiResult {
  if ('bytes' in file) return download(file);
  return {
    statusCode: 200,
    headers: {
      'Content-Type': file.contentType,
      'Content-Disposition': `attachment; filename="${file.filename}"`,
      'Cache-Control': 'no-store',
    },
    body: file.text,
  };
}
