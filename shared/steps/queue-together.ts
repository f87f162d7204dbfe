/**
 * The last move of a step that works a batch of records: the messages its records produced are
 * queued together, ten to an SQS request (one request per record was the screen and ticket steps'
 * most frequent request after their DynamoDB writes), then each record gets its result.
 *
 * A refused request fails exactly the records that had a message to queue: they come back from
 * their queue and are done again, which the next step's idempotence makes safe. A record that had
 * nothing to queue keeps its own result, and one that failed before stays failed as it was.
 */
export async function queueTogether<Done, Message, Value>(
  results: ReadonlyArray<PromiseSettledResult<Done>>,
  of: {
    /** The message a record's work leaves to queue, if any. */
    message(done: Done): Message | undefined;
    /** The record's result once its message is queued. */
    value(done: Done): Value;
  },
  sendAll: (messages: Message[]) => Promise<void>,
): Promise<Array<PromiseSettledResult<Value>>> {
  const messages = results.map((result) =>
    result.status === 'fulfilled' ? of.message(result.value) : undefined,
  );
  let refused: { reason: unknown } | undefined;
  try {
    await sendAll(messages.filter((message): message is Message => message !== undefined));
  } catch (reason) {
    refused = { reason };
  }
  return results.map((result, position): PromiseSettledResult<Value> => {
    if (result.status === 'rejected') return result;
    if (refused && messages[position] !== undefined) return { status: 'rejected', reason: refused.reason };
    return { status: 'fulfilled', value: of.value(result.value) };
  });
}
