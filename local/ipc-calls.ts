/**
 * Calls to the other end of a message channel (a child's IPC channel, a worker's port), each
 * awaiting its answer: a call gets a number, the answer carrying that number settles it, and
 * when the other side goes every call still waiting fails. The desk's process answers a bench's
 * questions this way (`desk-process.ts`), and the desk answers each SES event the stand-ins'
 * thread hands it (`stand-ins-worker.ts`), so that the sender's 250 waits for `receive`.
 */
export function ipcCalls<T>(failure: (message: string) => Error) {
  const waiting = new Map<number, { resolve(value: T): void; reject(error: Error): void }>();
  let nextId = 0;
  return {
    /** Sends a call with its number through `send`; fails at once when the channel is closed. */
    call(connected: boolean, send: (id: number) => void): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (!connected) {
          reject(failure('le desk est arrêté'));
          return;
        }
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        send(id);
      });
    },
    /** Settles call `id` with its answer, or fails it with the other side's `error`. */
    answered(id: number, value: T, error: string | undefined): void {
      const call = waiting.get(id);
      waiting.delete(id);
      if (error === undefined) call?.resolve(value);
      else call?.reject(failure(error));
    },
    /** Fails every call still waiting: the other side is gone. */
    gone(): void {
      for (const call of waiting.values()) call.reject(failure('le desk s’est arrêté'));
      waiting.clear();
    },
  };
}
