/**
 * What an admin does with a broadcast: a test copy to themselves, send now or at a Paris time,
 * edit or cancel before it starts; retry the failures and cancel while it sends. Hidden from
 * agents as a courtesy: the API refuses them anyway (403).
 */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { useState } from 'react';
import type { Broadcast } from '#shared/api/broadcast-contract.ts';
import { parisTimeToInstant } from '#shared/domain/paris-day.ts';
import { call } from '../../api/client.ts';
import { ActionForm } from '../../components/ActionForm.tsx';
import { ActionResult } from '../../components/Feedback.tsx';
import { formatCount, formatDateTime, parisToday } from '../../format.ts';
import { useMe } from '../../me.tsx';
import { Link } from '../../router.tsx';
import { useAction } from '../../use-action.ts';

/**
 * `onDone` gets the outcome to announce: the page shows it, since the control that acted may
 * be gone once the broadcast reloads (a started broadcast has no send form).
 */
type Props = { broadcast: Broadcast; onDone: (message: string) => void };

/** The admin's controls for `broadcast`, by its status; `onDone` reloads the page and says what happened. */
export function BroadcastActions({ broadcast, onDone }: Props) {
  const me = useMe();
  if (!me.isAdmin) return null;
  const editable = broadcast.status === 'draft' || broadcast.status === 'scheduled';
  // A finished broadcast without failures, or a cancelled one, leaves nothing to do.
  const retryable =
    (broadcast.status === 'sending' || broadcast.status === 'sent') && broadcast.counts.failed > 0;
  if (!editable && !retryable && broadcast.status !== 'sending') return null;
  return (
    <section aria-labelledby="actions" className="fr-mb-4w">
      <h2 id="actions" className="fr-h4">
        Actions
      </h2>
      {editable ? (
        <>
          <TestForm broadcast={broadcast} email={me.email} />
          <SendForm broadcast={broadcast} onDone={onDone} />
          <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--inline-md fr-mt-4w">
            <li>
              <Link
                href={`/diffusions/${encodeURIComponent(broadcast.id)}/modifier`}
                className="fr-btn fr-btn--secondary fr-icon-edit-line fr-btn--icon-left"
              >
                Modifier la diffusion
              </Link>
            </li>
          </ul>
        </>
      ) : null}
      {retryable ? <RetryButton broadcast={broadcast} onDone={onDone} /> : null}
      {editable || broadcast.status === 'sending' ? (
        <CancelButton broadcast={broadcast} onDone={onDone} />
      ) : null}
    </section>
  );
}

/** « Envoyer un test »: one copy to the signed-in person, greeted as a director would be. */
function TestForm({ broadcast, email }: { broadcast: Broadcast; email: string }) {
  const test = useAction(() => call('POST /api/broadcasts/{id}/test', { path: { id: broadcast.id } }), {
    success: (answer) => `Un exemplaire de test a été envoyé à ${answer.to}.`,
  });
  return (
    <ActionForm id="envoyer-test" title="Envoyer un test" titleClassName="fr-h5" action={test}>
      <p className="fr-text--sm">Un seul exemplaire, à votre adresse ({email}), pour relire le courriel.</p>
      <Button type="submit" priority="secondary" iconId="fr-icon-mail-line" disabled={test.busy}>
        Envoyer un test
      </Button>
    </ActionForm>
  );
}

/**
 * « Envoyer maintenant » or « Programmer »: the day and time are Paris wall time whatever the
 * computer's zone, turned into an instant with the domain's rule (right on DST change days).
 */
function SendForm({ broadcast, onDone }: Props) {
  const [when, setWhen] = useState<'now' | 'later'>(broadcast.status === 'scheduled' ? 'later' : 'now');
  const scheduled = broadcast.scheduledAt ? new Date(broadcast.scheduledAt) : undefined;
  const [day, setDay] = useState(scheduled ? parisToday(scheduled) : '');
  const [time, setTime] = useState(scheduled ? parisClock(scheduled) : '');
  const [missing, setMissing] = useState(false);
  const send = useAction(
    () => {
      const at = when === 'later' ? parisTimeToInstant(day, time).toISOString() : undefined;
      return call('POST /api/broadcasts/{id}/send', { path: { id: broadcast.id }, body: at ? { at } : {} });
    },
    {
      onSuccess: (answer) =>
        onDone(
          answer.status === 'scheduled'
            ? `Diffusion programmée pour le ${formatDateTime(answer.scheduledAt)} (heure de Paris).`
            : `Envoi lancé à ${formatCount(answer.recipients)} destinataires.`,
        ),
    },
  );

  return (
    <ActionForm
      id="envoyer"
      title="Envoyer"
      titleClassName="fr-h5"
      className="fr-mt-4w"
      action={{
        result: send.result,
        run: () => {
          const incomplete = when === 'later' && (day === '' || time === '');
          setMissing(incomplete);
          if (!incomplete) void send.run();
        },
      }}
    >
      <RadioButtons
        legend="Quand envoyer ?"
        name="quand"
        orientation="horizontal"
        options={[
          {
            label: 'Maintenant',
            nativeInputProps: { value: 'now', checked: when === 'now', onChange: () => setWhen('now') },
          },
          {
            label: 'À une date et une heure',
            nativeInputProps: { value: 'later', checked: when === 'later', onChange: () => setWhen('later') },
          },
        ]}
      />
      {when === 'later' ? (
        <fieldset className="fr-fieldset" aria-describedby="heure-aide">
          <legend className="fr-fieldset__legend fr-fieldset__legend--regular">
            Date et heure d’envoi
            <span className="fr-hint-text" id="heure-aide">
              Heure de Paris, dans l’année qui vient. La diffusion reste modifiable et annulable jusqu’à son
              départ.
            </span>
          </legend>
          <div className="fr-fieldset__element fr-fieldset__element--inline">
            <Input
              label="Date"
              state={missing && day === '' ? 'error' : 'default'}
              stateRelatedMessage="Choisissez une date."
              nativeInputProps={{
                type: 'date',
                name: 'date',
                min: parisToday(),
                value: day,
                onChange: (event) => setDay(event.target.value),
              }}
            />
          </div>
          <div className="fr-fieldset__element fr-fieldset__element--inline">
            <Input
              label="Heure"
              state={missing && time === '' ? 'error' : 'default'}
              stateRelatedMessage="Choisissez une heure."
              nativeInputProps={{
                type: 'time',
                name: 'heure',
                value: time,
                onChange: (event) => setTime(event.target.value),
              }}
            />
          </div>
        </fieldset>
      ) : null}
      <Button type="submit" iconId="fr-icon-send-plane-line" disabled={send.busy}>
        {when === 'now' ? 'Envoyer maintenant' : 'Programmer'}
      </Button>
    </ActionForm>
  );
}

const clock = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** `08:05`: the Paris time of an instant, as a time field holds it. */
function parisClock(instant: Date): string {
  return clock.format(instant);
}

/** « Relancer les échecs »: only recipients whose send failed for a transient reason go again. */
function RetryButton({ broadcast, onDone }: Props) {
  const retry = useAction(() => call('POST /api/broadcasts/{id}/retry', { path: { id: broadcast.id } }), {
    onSuccess: () => onDone('Les échecs temporaires sont relancés.'),
  });
  return (
    <div className="fr-mb-2w">
      <Button
        type="button"
        priority="secondary"
        iconId="fr-icon-refresh-line"
        disabled={retry.busy}
        onClick={() => void retry.run()}
      >
        Relancer les échecs ({formatCount(broadcast.counts.failed)})
      </Button>
      <ActionResult result={retry.result} />
    </div>
  );
}

/** « Annuler la diffusion » before it starts, « Annuler l’envoi » while it sends: what is not sent stays unsent. */
function CancelButton({ broadcast, onDone }: Props) {
  const cancel = useAction(() => call('POST /api/broadcasts/{id}/cancel', { path: { id: broadcast.id } }), {
    onSuccess: () =>
      onDone(
        broadcast.status === 'sending'
          ? 'Envoi annulé : les courriels pas encore partis ne le seront pas.'
          : 'Diffusion annulée.',
      ),
  });
  return (
    <div className="fr-mt-2w">
      <Button
        type="button"
        priority="tertiary"
        iconId="fr-icon-close-circle-line"
        disabled={cancel.busy}
        onClick={() => void cancel.run()}
      >
        {broadcast.status === 'sending' ? 'Annuler l’envoi' : 'Annuler la diffusion'}
      </Button>
      <ActionResult result={cancel.result} />
    </div>
  );
}
