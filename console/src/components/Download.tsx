/** A button that downloads a file from the API (the token goes in a header, so a plain link cannot). */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useState } from 'react';
import { download } from '../api/client.ts';
import { messageOf } from './Feedback.tsx';

export function DownloadButton({
  path,
  fallbackName,
  children,
  query,
  priority = 'tertiary',
}: {
  path: string;
  fallbackName: string;
  children: string;
  query?: Record<string, unknown>;
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
          download(path, fallbackName, query).then(
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
