/**
 * A CPU profile of this process (the desk's Node side) over one run, through the inspector,
 * summed by where the code comes from (a package, a desk module, Node itself), so that "where
 * the time goes" is read off a measure rather than guessed. The raw profile is saved too, for
 * Chrome DevTools or speedscope.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; scriptId: string };
  children?: number[];
};
type CpuProfile = {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
};

/** Self time of one place, in percent of the profiled time. */
export type ProfileShare = { where: string; percent: number; ms: number };

/** What a profile shows: self time by origin and by function, and inclusive time of the desk's steps. */
export type ProfileSummary = {
  file: string;
  totalMs: number;
  byOrigin: ProfileShare[];
  byFunction: ProfileShare[];
  /** Self time by family: the AWS SDK, the in-process stand-ins, Node's HTTP, the desk's own code... */
  byFamily: ProfileShare[];
  /** Time with the function anywhere on the stack (its synchronous parts, between awaits). */
  inclusive: ProfileShare[];
};

/** Where `bundleForNode` writes the local processes' bundles (the desk's, the stand-ins'). */
const BUNDLE_FOLDER = '/node_modules/.cache/lsun-desk/';

/** Families of origins, for a first reading of where the Node side's CPU goes. */
export function familyOf(origin: string): string {
  if (/^pkg @(smithy|aws-sdk|aws-crypto)\//.test(origin))
    return 'AWS SDK v3 (clients of handlers and runner)';
  if (
    /^pkg (fauxqs|fastify|@fastify\/|light-my-request|find-my-way|avvio|pino|fast-|ajv|secure-json-parse)/.test(
      origin,
    )
  )
    return 'fauxqs (SQS and S3 stand-in, in process)';
  if (
    /^pkg (express|body-parser|aws-ses-v2-local|raw-body|qs|send|router|iconv-lite|finalhandler)/.test(origin)
  )
    return 'aws-ses-v2-local (SES stand-in, in process)';
  if (/^pkg (mailauth|tldts|psl|punycode|ipaddr|joi|@postalsys)/.test(origin))
    return 'mailauth (receipt verdicts)';
  if (/^pkg (postal-mime)/.test(origin)) return 'postal-mime (MIME parsing)';
  if (/^pkg (smtp-server|nodemailer|base32\.js|ipv6-normalize)/.test(origin))
    return 'SMTP (smtp-server, nodemailer client)';
  if (/^pkg (zod|@aws-lambda-powertools|@middy)/.test(origin)) return 'zod, Powertools, middy';
  if (/^(shared|functions|local)\//.test(origin)) return 'desk code (shared/, functions/, local/)';
  if (origin.startsWith('bench/')) return 'benchmark (probes, sender)';
  if (origin === '(idle)') return '(idle)';
  if (origin === 'V8 garbage collector') return 'V8 garbage collector';
  if (origin.startsWith('node ') || origin.startsWith('native ') || origin.startsWith('V8/'))
    return 'Node core (HTTP, streams, crypto, timers)';
  return `other ${origin}`;
}

/**
 * The desk's steps whose inclusive time is reported: each handler's step and the parts suspected
 * of weighing most. The SMTP stand-in (verdicts, scan) runs on the stand-ins' thread, which this
 * profile does not see.
 */
export const STEPS_OF_INTEREST: ReadonlyArray<
  readonly [functionName: string, urlPart: string, label: string]
> = [
  ['screenMail', '/shared/steps/screen.ts', 'screen step'],
  ['parseMime', '/shared/mail/parse.ts', 'screen: parseMime (postal-mime)'],
  ['handleTicketCommands', '/shared/steps/ticket.ts', 'ticket step'],
  ['deliverMail', '/shared/steps/mailer.ts', 'mailer step'],
  ['pollLoop', '/local/runner.ts', 'local runner: polling loop (SQS receive)'],
  ['deliver', '/local/runner.ts', 'local runner: deliver (handler, then delete)'],
];

/** Where a script comes from: `pkg:<name>` for node_modules, the repo path for the desk, or Node's part. */
export function originOf(url: string, functionName: string): string {
  if (url.includes(BUNDLE_FOLDER)) return 'local bundle (module not found)';
  if (url === '') {
    if (functionName === '(garbage collector)') return 'V8 garbage collector';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return 'V8/native (program)';
    return `native ${functionName || '(anonymous)'}`;
  }
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    const name = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    return `pkg ${name}`;
  }
  if (url.startsWith('node:')) return `node ${url.slice(5).split('/')[0]}`;
  const repo = /\/(shared|functions|local|bench)\/(.*)$/.exec(url);
  if (repo) return `${repo[1]}/${repo[2]}`;
  return url;
}

/**
 * The repo file a line of an esbuild bundle comes from. A non-minified bundle opens each module
 * with a `// shared/steps/ticket.ts` comment, so a profile of the bundled desk is read by module as
 * one of the unbundled desk was. `sources` holds each bundle's text by URL.
 */
export function bundleModules(
  sources: ReadonlyMap<string, string>,
): (url: string, lineNumber: number) => string | undefined {
  const starts = new Map<string, Array<{ line: number; file: string }>>();
  for (const [url, source] of sources) {
    const modules: Array<{ line: number; file: string }> = [];
    source.split('\n').forEach((text, line) => {
      const opening = /^\/\/ ((?:shared|functions|local|bench|console)\/\S+\.ts)$/.exec(text);
      if (opening?.[1]) modules.push({ line, file: opening[1] });
    });
    starts.set(url, modules);
  }
  return (url, lineNumber) => {
    let found: string | undefined;
    for (const { line, file } of starts.get(url) ?? []) {
      if (line > lineNumber) break;
      found = file;
    }
    return found;
  };
}

/**
 * The text of the bundles the profile ran, asked of V8 itself: the desk's process removes its
 * bundle from disk once loaded.
 */
async function bundleSources(session: Session, profile: CpuProfile): Promise<Map<string, string>> {
  const scripts = new Map<string, string>();
  for (const { callFrame } of profile.nodes)
    if (callFrame.url.includes(BUNDLE_FOLDER)) scripts.set(callFrame.url, callFrame.scriptId);
  const sources = new Map<string, string>();
  if (scripts.size === 0) return sources;
  await session.post('Debugger.enable');
  for (const [url, scriptId] of scripts) {
    const { scriptSource } = await session.post('Debugger.getScriptSource', { scriptId });
    sources.set(url, scriptSource);
  }
  await session.post('Debugger.disable');
  return sources;
}

/** Starts profiling this process; `stop` saves the profile under `folder` and summarises it. */
export async function startProfile(
  samplingIntervalUs = 500,
): Promise<{ stop(folder: string, name: string): Promise<ProfileSummary> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
  await session.post('Profiler.start');
  return {
    async stop(folder, name) {
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
      const sources = await bundleSources(session, profile);
      session.disconnect();
      const file = path.join(folder, `${name}.cpuprofile`);
      await writeFile(file, JSON.stringify(profile));
      return summarise(profile, file, sources);
    },
  };
}

function summarise(profile: CpuProfile, file: string, sources: ReadonlyMap<string, string>): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number;
    // A sample's delta is the time until the next sample: attribute it to this node.
    const ms = (deltas[i + 1] ?? 0) / 1000;
    selfMs.set(id, (selfMs.get(id) ?? 0) + ms);
  }
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const origins = new Map<string, number>();
  const functions = new Map<string, number>();
  const moduleOf = bundleModules(sources);
  const originOfFrame = (frame: ProfileNode['callFrame']) => {
    const file = moduleOf(frame.url, frame.lineNumber);
    return file === undefined ? originOf(frame.url, frame.functionName) : file;
  };
  const urlOfFrame = (frame: ProfileNode['callFrame']) => {
    const file = moduleOf(frame.url, frame.lineNumber);
    return file === undefined ? frame.url : `/${file}`;
  };
  for (const [id, ms] of selfMs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const origin = originOfFrame(frame);
    origins.set(origin, (origins.get(origin) ?? 0) + ms);
    // In a bundle, the line is the bundle's: the module is named, the line finds it in the file.
    const line = frame.url.includes(BUNDLE_FOLDER)
      ? ` (bundle line ${frame.lineNumber + 1})`
      : `:${frame.lineNumber + 1}`;
    const fn = `${frame.functionName || '(anonymous)'} ${origin}${frame.url ? line : ''}`;
    functions.set(fn, (functions.get(fn) ?? 0) + ms);
  }
  const rank = (map: Map<string, number>) =>
    [...map].map(([where, ms]) => ({ where, ms, percent: (100 * ms) / totalMs })).sort((a, b) => b.ms - a.ms);
  // Inclusive time: each sample counts once for every step of interest on its stack.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const steps = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame) continue;
      for (const [fn, urlPart, label] of STEPS_OF_INTEREST) {
        if (frame.functionName === fn && urlOfFrame(frame).includes(urlPart)) seen.add(label);
      }
    }
    for (const label of seen) steps.set(label, (steps.get(label) ?? 0) + ms);
  }
  return {
    file,
    totalMs,
    byOrigin: rank(origins),
    byFunction: rank(functions).slice(0, 25),
    byFamily: rank(
      [...origins].reduce((families, [origin, ms]) => {
        const family = familyOf(origin);
        return families.set(family, (families.get(family) ?? 0) + ms);
      }, new Map<string, number>()),
    ),
    inclusive: rank(steps),
  };
}
