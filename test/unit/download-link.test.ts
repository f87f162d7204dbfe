/**
 * A download link's parameters (what S3 will answer with, how long it works) and the file
 * name's encoding in `Content-Disposition` (RFC 6266 / 5987).
 */
import { describe, expect, it } from 'vitest';
import { makeS3ObjectStore } from '#shared/adapters/clients/s3-object-store.ts';
import { LINK_SECONDS, makeDownloadFiles } from '#shared/adapters/download-files.ts';
import { attachmentDisposition, downloadType, linkHeaders } from '#shared/http/download.ts';
import { attachmentFile } from '#shared/steps/staff/downloads.ts';

// S3 in eu-west-3, as the api function addresses it on AWS (the bucket in the host name).
const objects = makeS3ObjectStore({
  at: { endpoint: 'https://s3.eu-west-3.amazonaws.com', region: 'eu-west-3', pathStyle: false },
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
});

describe('a download link', () => {
  it('is a GET of the object, signed in its query, valid five minutes from now', async () => {
    // Prepare
    const files = makeDownloadFiles({ objects });
    const now = new Date('2026-12-07T08:30:00.000Z');

    // Act
    const link = await files.link(
      { bucket: 'raw-mail', key: 'downloads/incoming/ses-1/0' },
      { contentDisposition: 'attachment; filename="a.pdf"', contentType: 'application/pdf' },
      now,
    );

    // Assess
    const url = new URL(link.url);
    expect(url.hostname).toBe('raw-mail.s3.eu-west-3.amazonaws.com');
    expect(url.pathname).toBe('/downloads/incoming/ses-1/0');
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(url.searchParams.get('X-Amz-Date')).toBe('20261207T083000Z');
    expect(url.searchParams.get('X-Amz-Expires')).toBe(String(LINK_SECONDS));
    expect(LINK_SECONDS).toBe(300);
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(link.expiresAt).toBe('2026-12-07T08:35:00.000Z');
  });

  it('makes S3 answer the file as an attachment, of its type, not to be cached', async () => {
    // Prepare
    const files = makeDownloadFiles({ objects });
    const headers = linkHeaders({ filename: 'Bulletin été 2026.pdf', contentType: 'application/pdf' });

    // Act
    const link = await files.link({ bucket: 'raw-mail', key: 'incoming/ses-1' }, headers, new Date());

    // Assess
    const query = new URL(link.url).searchParams;
    expect(query.get('response-content-disposition')).toBe(
      `attachment; filename="Bulletin ete 2026.pdf"; filename*=UTF-8''Bulletin%20%C3%A9t%C3%A9%202026.pdf`,
    );
    expect(query.get('response-content-type')).toBe('application/pdf');
    expect(query.get('response-cache-control')).toBe('no-store');
  });

  it('keeps each attachment in its own object under the downloads prefix, named after its raw mail', () => {
    // Act
    const file = attachmentFile({ bucket: 'raw-mail', key: 'incoming/ses-1' }, 3);

    // Assess
    expect(file).toEqual({ bucket: 'raw-mail', key: 'downloads/incoming/ses-1/3' });
  });
});

describe('the file name of a download', () => {
  it('keeps the exact name in filename* and an ASCII one in filename', () => {
    expect(attachmentDisposition('Élève n°1 (copie).pdf')).toBe(
      `attachment; filename="Eleve n_1 _copie_.pdf"; filename*=UTF-8''%C3%89l%C3%A8ve%20n%C2%B01%20%28copie%29.pdf`,
    );
  });

  it('cannot break out of the header: quotes, semicolons and line breaks are encoded or replaced', () => {
    // Act
    const header = attachmentDisposition('a"; filename="evil.html\r\nX-Injected: 1');

    // Assess
    expect(header).not.toMatch(/[\r\n]/);
    expect(header.match(/"/g)).toHaveLength(2);
    expect(header).toContain(`filename*=UTF-8''a%22%3B%20filename%3D%22evil.html__X-Injected%3A%201`);
  });

  it('replaces the folder separators of a name and names an empty one « fichier »', () => {
    expect(attachmentDisposition('../../etc/passwd')).toBe(
      `attachment; filename=".._.._etc_passwd"; filename*=UTF-8''.._.._etc_passwd`,
    );
    expect(attachmentDisposition('   ')).toBe(`attachment; filename="fichier"; filename*=UTF-8''fichier`);
  });
});

describe('the type of a download', () => {
  it('keeps a plain type and hands over as bytes what a browser could render or run', () => {
    expect(downloadType('application/pdf')).toBe('application/pdf');
    expect(downloadType('message/rfc822')).toBe('message/rfc822');
    expect(downloadType('text/html')).toBe('application/octet-stream');
    expect(downloadType('image/svg+xml')).toBe('application/octet-stream');
    expect(downloadType('application/pdf\r\nX: 1')).toBe('application/octet-stream');
  });
});
