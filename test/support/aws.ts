/**
 * What integration tests need from the stand-ins started by `global-setup.ts`: their
 * endpoints, clients pointed at them, and resources of their own so test files do not see
 * each other's items, objects or messages.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { type LocalClients, type LocalEndpoints, makeLocalClients } from '#local/emulators.ts';
import { type DeskResources, deskEnvironment, ensureDeskResources } from '#local/resources.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the stand-ins of this test run answer. */
    endpoints: LocalEndpoints;
  }
}

/** The endpoints of the stand-ins started for this run. */
export function testEndpoints(): LocalEndpoints {
  return inject('endpoints');
}

/** A test file's own desk on the shared stand-ins. */
export type TestResources = {
  endpoints: LocalEndpoints;
  clients: LocalClients;
  resources: DeskResources;
  /** The environment the handlers read (`deskEnvironment`), for `useDeskEnvironment`. */
  env: Record<string, string>;
  /** Closes the clients' sockets. The resources stay: the stand-ins vanish with the run. */
  destroy(): void;
};

/**
 * Creates a table, a bucket and the pipeline's queues under names unique to this call, and
 * clients to reach them. `name` only makes the resources easier to recognise when debugging.
 */
export async function makeTestResources(name = 'test'): Promise<TestResources> {
  const endpoints = testEndpoints();
  const clients = makeLocalClients(endpoints);
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .slice(0, 20)
      .replace(/^-|-$/g, '') || 'test';
  const id = `${slug}-${randomUUID().slice(0, 8)}`;
  const resources = await ensureDeskResources(clients, {
    tableName: `desk-${id}`,
    bucket: `raw-mail-${id}`,
    queuePrefix: `${id}-`,
  });
  return {
    endpoints,
    clients,
    resources,
    env: deskEnvironment(resources, endpoints),
    destroy: () => {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}

/**
 * Puts `env` into `process.env` (before a handler module is imported, since handlers read
 * their configuration once) and returns a function that restores the previous values.
 */
export function useDeskEnvironment(env: Record<string, string>): () => void {
  const previous = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  return () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}
