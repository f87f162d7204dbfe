/**
 * The intake log as staff read it, through the desk's own API (`GET /api/intake`, page by page),
 * to check that what the probes saw is what the desk recorded.
 */
import { issueToken } from '#local/jwt.ts';
import type { Outcome } from '#shared/domain/outcome.ts';

/** The API answered something other than a page of the intake log. */
export class IntakeLogReadError extends Error {
  override name = 'IntakeLogReadError';
}

/** Every intake entry's outcome, read through the API with an admin token of the local identity provider. */
export async function readIntakeOutcomes(httpUrl: string, jwtKeyPath: string): Promise<Outcome[]> {
  const token = await issueToken({ email: 'bench@ac-dijon.fr', groups: ['admin'] }, { keyPath: jwtKeyPath });
  const outcomes: Outcome[] = [];
  let cursor: string | undefined;
  do {
    const url = `${httpUrl}/api/intake?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok)
      throw new IntakeLogReadError(`GET /api/intake : ${response.status} ${await response.text()}`);
    const page = (await response.json()) as {
      items: Array<{ outcome: Outcome }>;
      nextCursor?: string | null;
    };
    outcomes.push(...page.items.map((item) => item.outcome));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return outcomes;
}
