import { describe, expect, it } from 'vitest';
import { sqsBody } from '#shared/adapters/queue.ts';

/** What SQS takes in a body, checked per UTF-16 code unit as fauxqs does (stricter than SQS). */
const SQS_CODE_UNITS = /^[\t\n\r\x20-\uD7FF\uE000-\uFFFD]*$/;

describe('a queue message body', () => {
  const subject = 'LSUN 📎 bulletins\u0000 \uFFFF\uFFFE fin \uD800 seul';

  it('holds only characters SQS and its stand-in accept, whatever the mail held', () => {
    // Act
    const body = sqsBody({ subject });

    // Assess
    expect(body).toMatch(SQS_CODE_UNITS);
  });

  it('reads back as the very same message', () => {
    // Act
    const read = JSON.parse(sqsBody({ subject, nested: [subject] }));

    // Assess
    expect(read).toEqual({ subject, nested: [subject] });
  });

  it('leaves an ordinary French message as JSON.stringify writes it', () => {
    // Prepare
    const message = { subject: 'LSUN : élève absent du livret « Bilan » — école Jules-Ferry' };

    // Act, Assess
    expect(sqsBody(message)).toBe(JSON.stringify(message));
  });
});
