/**
 * A received mail's HTML, made safe to show: the raw mail is parsed in the browser
 * (postal-mime), its HTML sanitised with DOMPurify, and the result is shown only inside a
 * sandboxed `srcdoc` frame (see `MailBody.tsx`). Three layers, because mail is hostile input:
 *
 * 1. DOMPurify drops scripts, event handlers, `javascript:` URLs, forms, frames, `<style>`,
 *    `<base>`, SVG and MathML.
 * 2. Remote resources are cut until the person asks for them: `src`/`srcset`/`background`
 *    pointing outside the mail are removed (a tracking pixel tells the sender the mail was
 *    read, and from where), and the frame's own CSP says `img-src data:` only.
 *    Inline images (`cid:`) are resolved to data URLs from the mail's own parts.
 * 3. The frame is `sandbox=""`: no script, no form, no navigation of the console, no
 *    popup, an opaque origin (it cannot read the console or its token), even if 1 and 2 missed
 *    something. It also inherits the console's CSP.
 */
import DOMPurify from 'dompurify';
import PostalMime from 'postal-mime';

export type SafeHtml = {
  /** The full `srcdoc` document. */
  document: string;
  /** How many remote images were held back. */
  blockedImages: number;
};

export type ParsedMail = { text?: string; html?: string; inlineImages: Map<string, string> };

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let at = 0; at < bytes.length; at += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  }
  return btoa(binary);
}

/** The text and HTML parts of a raw mail, and its inline images (`cid:` → data URL). */
export async function parseRawMail(raw: ArrayBuffer): Promise<ParsedMail> {
  const email = await PostalMime.parse(raw);
  const inlineImages = new Map<string, string>();
  for (const attachment of email.attachments) {
    if (!attachment.contentId || !attachment.mimeType.startsWith('image/')) continue;
    // Only raster images: an SVG is a document that can carry script.
    if (attachment.mimeType === 'image/svg+xml') continue;
    const content =
      typeof attachment.content === 'string'
        ? new TextEncoder().encode(attachment.content)
        : new Uint8Array(attachment.content as ArrayBuffer);
    const id = attachment.contentId.replace(/^<|>$/g, '');
    inlineImages.set(id, `data:${attachment.mimeType};base64,${toBase64(content)}`);
  }
  return { text: email.text ?? undefined, html: email.html ?? undefined, inlineImages };
}

/** Elements no HTML shown in the console keeps: they style, load, submit or run something. */
export const FORBID_TAGS = [
  'style',
  'link',
  'meta',
  'base',
  'form',
  'input',
  'button',
  'select',
  'textarea',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'audio',
  'video',
  'source',
  'track',
  'svg',
  'math',
];

const isLocal = (url: string) => /^data:image\/(png|gif|jpe?g|webp);/i.test(url);

/** Sanitises a mail's HTML and wraps it in the frame's document. */
export function safeMailDocument(
  html: string,
  options: { inlineImages: Map<string, string>; allowRemote: boolean },
): SafeHtml {
  let blockedImages = 0;
  const purifier = DOMPurify(window);
  purifier.addHook('afterSanitizeAttributes', (node) => {
    if (!(node instanceof Element)) return;
    node.removeAttribute('background');
    if (
      node.hasAttribute('style') &&
      /url\s*\(/i.test(node.getAttribute('style') ?? '') &&
      !options.allowRemote
    ) {
      node.removeAttribute('style');
    }
    if (node.tagName === 'IMG') {
      node.removeAttribute('srcset');
      const src = node.getAttribute('src') ?? '';
      if (src.toLowerCase().startsWith('cid:')) {
        const inline = options.inlineImages.get(src.slice(4));
        if (inline) node.setAttribute('src', inline);
        else node.removeAttribute('src');
      } else if (!isLocal(src) && !(options.allowRemote && /^https:\/\//i.test(src))) {
        if (src !== '') blockedImages++;
        node.removeAttribute('src');
        if (!node.getAttribute('alt')) node.setAttribute('alt', '[image distante masquée]');
      }
    }
    if (node.tagName === 'A') {
      // Links cannot be followed from the sandbox; the address stays readable on hover.
      const href = node.getAttribute('href');
      if (href) node.setAttribute('title', href);
    }
  });
  const clean = purifier.sanitize(html, {
    FORBID_TAGS,
    FORBID_ATTR: ['srcset', 'background', 'ping', 'formaction', 'action'],
    ALLOW_DATA_ATTR: false,
    ALLOW_UNKNOWN_PROTOCOLS: false,
    WHOLE_DOCUMENT: false,
  });
  const imgSrc = options.allowRemote ? 'data: https:' : 'data:';
  const policy = `default-src 'none'; img-src ${imgSrc}; style-src 'unsafe-inline'; font-src 'none'; form-action 'none'`;
  const document = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${policy}"><title>Contenu HTML du courriel</title></head><body>${clean}</body></html>`;
  return { document, blockedImages };
}
