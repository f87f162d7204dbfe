/**
 * The body of a mail: its text by default (React escapes it: no markup is ever interpreted);
 * on request, its HTML, sanitised and shown in a sandboxed frame (`../mail-html.ts`), remote
 * images held back until « Afficher les images distantes ». When the text is not stored (the
 * intake log keeps none), it is read from the raw mail on request.
 */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useState } from 'react';
import { fetchBytes } from '../api/client.ts';
import type { ParsedMail, SafeHtml } from '../mail-html.ts';
import { messageOf } from './Feedback.tsx';

/** The parser and sanitiser (postal-mime, DOMPurify) load only when a mail's original is opened. */
type MailHtml = typeof import('../mail-html.ts');

type Raw =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ok'; mail: ParsedMail };

export function MailBody({ text, rawPath, title }: { text?: string; rawPath?: string; title: string }) {
  const [raw, setRaw] = useState<Raw>({ status: 'idle' });
  const [view, setView] = useState<'text' | 'html'>('text');
  const [allowRemote, setAllowRemote] = useState(false);
  const [mailHtml, setMailHtml] = useState<MailHtml>();

  async function readRaw(then: 'text' | 'html') {
    if (!rawPath) return;
    if (raw.status !== 'ok') {
      setRaw({ status: 'loading' });
      try {
        const [module, bytes] = await Promise.all([import('../mail-html.ts'), fetchBytes(rawPath)]);
        setMailHtml(module);
        setRaw({ status: 'ok', mail: await module.parseRawMail(bytes) });
      } catch (error) {
        setRaw({ status: 'error', message: messageOf(error) });
        return;
      }
    }
    setView(then);
  }

  const mail = raw.status === 'ok' ? raw.mail : undefined;
  const shownText = text ?? mail?.text;
  const safe: SafeHtml | undefined =
    view === 'html' && mail?.html && mailHtml
      ? mailHtml.safeMailDocument(mail.html, { inlineImages: mail.inlineImages, allowRemote })
      : undefined;

  return (
    <div className="lsun-mail-body">
      {safe ? (
        <>
          <iframe
            className="lsun-mail-frame"
            title={`Version HTML : ${title}`}
            sandbox=""
            referrerPolicy="no-referrer"
            srcDoc={safe.document}
          />
          {safe.blockedImages > 0 && !allowRemote ? (
            <p className="fr-text--xs fr-mt-1w fr-mb-1w">
              {safe.blockedImages} image(s) hébergée(s) ailleurs masquée(s) : les charger préviendrait
              l’expéditeur que le courriel a été lu.
            </p>
          ) : null}
          <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--inline-sm fr-btns-group--sm fr-mt-1w">
            <li>
              <Button priority="tertiary" onClick={() => setView('text')}>
                Revenir au texte
              </Button>
            </li>
            {safe.blockedImages > 0 && !allowRemote ? (
              <li>
                <Button priority="tertiary" iconId="fr-icon-image-line" onClick={() => setAllowRemote(true)}>
                  Afficher les images distantes
                </Button>
              </li>
            ) : null}
          </ul>
        </>
      ) : (
        <>
          {shownText !== undefined ? (
            <div className="lsun-mail-text">
              {shownText === '' ? <em>(courriel sans texte)</em> : shownText}
            </div>
          ) : null}
          {view === 'html' && mail && !mail.html ? (
            <p className="fr-text--sm" role="status">
              Ce courriel n’a pas de version HTML.
            </p>
          ) : null}
          {raw.status === 'loading' ? (
            <p className="fr-text--sm" role="status">
              Lecture du courriel d’origine…
            </p>
          ) : null}
          {raw.status === 'error' ? (
            <p className="fr-text--sm fr-error-text" role="alert">
              {raw.message}
            </p>
          ) : null}
          {rawPath ? (
            <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--inline-sm fr-btns-group--sm fr-mt-1w">
              {shownText === undefined ? (
                <li>
                  <Button
                    priority="secondary"
                    iconId="fr-icon-mail-open-line"
                    disabled={raw.status === 'loading'}
                    onClick={() => void readRaw('text')}
                  >
                    Lire le texte du courriel
                  </Button>
                </li>
              ) : null}
              <li>
                <Button
                  priority="tertiary"
                  iconId="fr-icon-code-s-slash-line"
                  disabled={raw.status === 'loading'}
                  onClick={() => void readRaw('html')}
                >
                  Afficher la version HTML
                </Button>
              </li>
            </ul>
          ) : null}
        </>
      )}
    </div>
  );
}
