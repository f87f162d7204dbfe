/**
 * The SDK's handler cache (`cacheMiddleware: true`), kept correct when the middleware stack
 * changes.
 *
 * Without the cache, every `send` rebuilds the command's handler from the client's middleware
 * stack (sorting and chaining some twenty middlewares): a measurable share of the CPU of each
 * request (`npm run bench -- handler-cost`). With it, the handler is built once per command class and
 * client; the SDK documents that middleware added after the first request is then ignored, and
 * the benches' and tests' probes add theirs to running clients. So every change to the stack
 * empties the cache, and the next request builds it again with the probe in place.
 *
 * Not for the DynamoDB document client: its commands' handlers hold the first command's input,
 * and `@aws-sdk/lib-dynamodb` refuses a client configured with the cache.
 */
/** Any SDK client: only its middleware stack is used here. */
type CachingClient = { middlewareStack: object };

/** What `cacheMiddleware` adds to a client's configuration. */
export const HANDLER_CACHE = { cacheMiddleware: true } as const;

/** Makes any change to `client`'s middleware stack empty its handler cache; returns the client. */
export function forgetHandlersOnStackChange<Client extends CachingClient>(client: Client): Client {
  const stack = client.middlewareStack as unknown as Record<string, unknown>;
  // `use` adds through `add` and `addRelativeTo`; `concat` and `clone` make new stacks.
  for (const method of ['add', 'addRelativeTo', 'remove', 'removeByTag'] as const) {
    const original = stack[method] as (...args: unknown[]) => unknown;
    stack[method] = (...args: unknown[]) => {
      // The SDK's `Client` keeps its cache in `handlers`, and makes it again when it is missing.
      delete (client as { handlers?: unknown }).handlers;
      return original.apply(stack, args);
    };
  }
  return client;
}
