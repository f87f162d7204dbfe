/**
 * A button that downloads a file: either a link the API hands out (a raw mail, an attachment:
 * the bytes then come from S3, whatever their size) or a file the API answers itself (the
 * directory's export; the token goes in a header, so a plain link cannot do it).
 */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useState } from 'react';
import type { DownloadLink } from '#shared/api/contract.ts';
import { download, followDownload } from '../api/client.ts';
import { messageOf } from './Feedback.tsx';

/** Where the file comes from: a download link to ask for, or a file route of the API. */
export type DownloadSource =
  | { link: () => Promise<DownloadLink> }
  | { path: string; fallbackName: string; query?: Record<string, unknown> };

function fetchFile(source: DownloadSource): Promise<void> {
  if ('link' in source) return source.link().then(followDownload);
  return download(source.path, source.fallbackName, source.query);
}

export function DownloadButton({
  children,
  priority = 'tertiary',
  ...source
}: DownloadSource & {
  children: string;
  priority?: 'primary' | 'secondary' | 'tertiary';
}) {
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: false });
  return (
    <>
      <Button
        priority={priority}
        size="small"
        iconId="fr-icon-download-line"
        disabled={state.busy}
        onClick={() => {
          setState({ busy: true });
          fetchFile(source as DownloadSource).then(
            () => setState({ busy: false }),
            (error: unknown) => setState({ busy: false, error: messageOf(error) }),
          );
        }}
      >
        {children}
      </Button>
      {state.error ? (
        <p className="fr-error-text" role="alert">
          {state.error}
        </p>
      ) : null}
    </>
  );
}
