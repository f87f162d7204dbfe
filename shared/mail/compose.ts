/**
 * Writing a request that did not come by mail (the académie's portal) as a MIME message, so that
 * the desk keeps it where and as it keeps a received mail: staff read its text and download its
 * attachments on the ticket page through the same code, and the retention purge deletes it with
 * the raw mails. Only what `parse.ts` (postal-mime) reads back is written: UTF-8 text in base64,
 * attachments in base64, RFC 2047 subject and RFC 2231 file names.
 */

/** A file joined to the request. */
export type ComposedAttachment = { filename: string; mimeType: string; bytes: Uint8Array };

/** What the message says and who it is from. */
export type ComposedMail = {
  from: { address: string; name: string };
  to: string;
  subject: string;
  text: string;
  /** The Message-ID, without angle brackets. */
  messageId: string;
  /** When the request was received (the Date header). */
  date: Date;
  attachments: ComposedAttachment[];
  /** Extra headers (`X-...`), written as ASCII. */
  headers?: Record<string, string>;
};

const LINE = 76;

/** Base64 folded at 76 characters a line, as RFC 2045 asks. */
function base64Lines(bytes: Uint8Array): string {
  const encoded = Buffer.from(bytes).toString('base64');
  const lines: string[] = [];
  for (let start = 0; start < encoded.length; start += LINE) lines.push(encoded.slice(start, start + LINE));
  return lines.join('\r\n');
}

/** A header value as an RFC 2047 encoded word when it is not plain ASCII. */
function encodedWord(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  return `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

/** A parameter (`filename`) in RFC 2231's extended form, which keeps any character. */
function extendedParameter(name: string, value: string): string {
  const safe = value.replace(/[\r\n"\\]/g, '_');
  const encoded = encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${name}="${encodedWord(safe)}"; ${name}*=UTF-8''${encoded}`;
}

/** Header text without line breaks: nobody may add a header through a field. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

/** The message as bytes, ready to be stored like a received mail. */
export function composeMail(mail: ComposedMail): Uint8Array {
  const boundary = `=_lsun_${Buffer.from(mail.messageId).toString('hex').slice(0, 24)}_${mail.attachments.length}`;
  const fromName = oneLine(mail.from.name);
  const headers = [
    `From: ${fromName ? `${encodedWord(fromName.replace(/"/g, "'"))} ` : ''}<${oneLine(mail.from.address)}>`,
    `To: <${oneLine(mail.to)}>`,
    `Subject: ${encodedWord(oneLine(mail.subject))}`,
    `Date: ${mail.date.toUTCString()}`,
    `Message-ID: <${oneLine(mail.messageId)}>`,
    'MIME-Version: 1.0',
    ...Object.entries(mail.headers ?? {}).map(([name, value]) => `${name}: ${oneLine(value)}`),
  ];
  const textPart = [
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(Buffer.from(mail.text, 'utf8')),
  ].join('\r\n');
  if (mail.attachments.length === 0) {
    return Buffer.from(`${headers.join('\r\n')}\r\n${textPart}\r\n`, 'utf8');
  }
  const parts = [
    textPart,
    ...mail.attachments.map((attachment) =>
      [
        `Content-Type: ${oneLine(attachment.mimeType)}; ${extendedParameter('name', attachment.filename)}`,
        `Content-Disposition: attachment; ${extendedParameter('filename', attachment.filename)}`,
        'Content-Transfer-Encoding: base64',
        '',
        base64Lines(attachment.bytes),
      ].join('\r\n'),
    ),
  ];
  const body = parts.map((part) => `--${boundary}\r\n${part}\r\n`).join('');
  return Buffer.from(
    `${headers.join('\r\n')}\r\nContent-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n${body}--${boundary}--\r\n`,
    'utf8',
  );
}
