/**
 * The banner of a merged ticket: « fusionné dans LSUN-… », with a link to the ticket that now
 * holds its conversation (and receives the replies that still carry this ticket's number).
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Link } from '../../router.tsx';

/** Shown only when the ticket was merged (`mergedInto`). */
export function MergedBanner({ mergedInto }: { mergedInto: string | undefined }) {
  if (!mergedInto) return null;
  return (
    <Alert
      severity="info"
      small
      className="fr-mb-3w"
      description={
        <>
          Ce ticket a été fusionné dans <Link href={`/tickets/${mergedInto}`}>{mergedInto}</Link> : sa
          conversation et les réponses qui portent encore son numéro s’y trouvent.
        </>
      }
    />
  );
}
