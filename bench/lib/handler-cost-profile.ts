/**
 * A CPU profile of the handler-cost run read per handler: each sample goes to the owner that held
 * the processor at its time (the switches `handler-cost-cpu.ts` recorded, on the same monotonic
 * clock as the profile's), so « where does screen's CPU go » is answered without the stand-ins'
 * samples that the whole-process profile mixes in.
 */
import { readFile } from 'node:fs/promises';
import { originOf } from './profile.ts';

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type CpuProfile = { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[]; startTime: number };

/** µs per mail by origin (a package, a desk module, Node) and by function, for one owner. */
export type OwnerProfile = {
  owner: string;
  usPerMail: number;
  byOrigin: Array<{ where: string; usPerMail: number }>;
  byFunction: Array<{ where: string; usPerMail: number }>;
};

/** Splits the saved profile by owner; `''` (the rest of the process) is left out. */
export async function profileByOwner(
  file: string,
  timeline: ReadonlyArray<[number, string]>,
  mails: number,
  top = 15,
): Promise<OwnerProfile[]> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const origins = new Map<string, Map<string, number>>();
  const functions = new Map<string, Map<string, number>>();
  const totals = new Map<string, number>();
  let at = profile.startTime;
  let switchIndex = 0;
  let owner = '';
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i] ?? 0;
    while (switchIndex < timeline.length && (timeline[switchIndex]?.[0] ?? Number.POSITIVE_INFINITY) <= at) {
      owner = timeline[switchIndex]?.[1] ?? '';
      switchIndex++;
    }
    if (owner === '') continue;
    const node = byId.get(samples[i] as number);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    // A sample stands for the time until the next one.
    const us = deltas[i + 1] ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    const origin = originOf(url, functionName);
    const fn = `${functionName || '(anonyme)'} ${origin}:${lineNumber + 1}`;
    add(origins, owner, origin, us);
    add(functions, owner, fn, us);
    totals.set(owner, (totals.get(owner) ?? 0) + us);
  }
  const ranked = (map: Map<string, number> | undefined) =>
    [...(map ?? new Map<string, number>())]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([where, us]) => ({ where, usPerMail: us / mails }));
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .map(([name, us]) => ({
      owner: name,
      usPerMail: us / mails,
      byOrigin: ranked(origins.get(name)),
      byFunction: ranked(functions.get(name)),
    }));
}

function add(map: Map<string, Map<string, number>>, owner: string, key: string, us: number): void {
  const inner = map.get(owner) ?? new Map<string, number>();
  map.set(owner, inner);
  inner.set(key, (inner.get(key) ?? 0) + us);
}
