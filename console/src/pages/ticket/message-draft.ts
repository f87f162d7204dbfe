/** The text of a reply or a note being written, and the request id that makes its sending idempotent. */
import { type ChangeEvent, useState } from 'react';

/** The longest reply or note the API takes (`StaffText` of the contract). */
const MAX_LENGTH = 20000;

const newRequestId = () => crypto.randomUUID();

/**
 * The same `requestId` goes with every attempt to send one text, so that a retry after a lost
 * answer is not recorded twice by the API; once the text is sent the next one gets a new id.
 */
export function useMessageDraft() {
  const [text, setText] = useState('');
  const [requestId, setRequestId] = useState(newRequestId);
  return {
    text,
    setText,
    requestId,
    /** The textarea's props: the text, required, within the API's limit. */
    field: {
      value: text,
      required: true,
      maxLength: MAX_LENGTH,
      onChange: (event: ChangeEvent<HTMLTextAreaElement>) => setText(event.target.value),
    },
    /** Clears the text and draws the next request id. */
    sent: () => {
      setText('');
      setRequestId(newRequestId());
    },
  };
}

/** A reply or note being written (`useMessageDraft`). */
export type MessageDraft = ReturnType<typeof useMessageDraft>;
