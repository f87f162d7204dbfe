/** The text of a reply or a note being written, and the request id that makes its sending idempotent. */
import { useState } from 'react';

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
    /** Clears the text and draws the next request id. */
    sent: () => {
      setText('');
      setRequestId(newRequestId());
    },
  };
}
