/** A form that performs one action: its heading names it, its outcome is announced below it. */
import type { ReactNode } from 'react';
import type { Outcome } from '../use-action.ts';
import { ActionResult } from './Feedback.tsx';

export type ActionFormProps = {
  /** Id of the heading, which labels the form for assistive technologies. */
  id: string;
  title: string;
  /** DSFR heading size; default `fr-h4`. */
  titleClassName?: string;
  className?: string;
  /** What the form does (a `useAction()`): `run` on submit, its `result` shown below the fields. */
  action: { result: Outcome | undefined; run: () => unknown };
  children: ReactNode;
};

/** A `<form>` labelled by its `<h2>`, with the action's outcome (`ActionResult`) after its fields. */
export function ActionForm({
  id,
  title,
  titleClassName = 'fr-h4',
  className,
  action,
  children,
}: ActionFormProps) {
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void action.run();
      }}
      aria-labelledby={id}
      className={className}
    >
      <h2 id={id} className={titleClassName}>
        {title}
      </h2>
      {children}
      <ActionResult result={action.result} />
    </form>
  );
}
