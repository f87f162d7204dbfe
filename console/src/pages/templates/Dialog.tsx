/**
 * A modal dialog on the native `<dialog>` element: `showModal()` gives the focus trap, Escape and
 * the inert page behind it without a library; the DSFR modal's look comes from its classes. Its
 * heading names it (`aria-labelledby`), and closing gives the focus back to where it was.
 */
import { type ReactNode, useEffect, useRef } from 'react';

export function Dialog({
  id,
  title,
  open,
  onClose,
  children,
}: {
  /** Id of the dialog; its heading is `${id}-titre`. */
  id: string;
  title: string;
  open: boolean;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      const opener = document.activeElement as HTMLElement | null;
      dialog.showModal();
      return () => {
        dialog.close();
        opener?.focus();
      };
    }
    return undefined;
  }, [open]);
  return (
    <dialog
      ref={ref}
      id={id}
      aria-labelledby={`${id}-titre`}
      className="fr-p-4w"
      style={{ maxWidth: '42rem', width: 'calc(100% - 2rem)', border: 'none' }}
      onClose={onClose}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      {open ? (
        <>
          <div className="fr-grid-row fr-grid-row--right">
            <button
              type="button"
              className="fr-btn--close fr-btn"
              title="Fermer la fenêtre"
              onClick={onClose}
            >
              Fermer
            </button>
          </div>
          <h2 id={`${id}-titre`} className="fr-h4">
            {title}
          </h2>
          {children}
        </>
      ) : null}
    </dialog>
  );
}
