/**
 * The ports of the local desk (`npm start`), each overridable by an environment variable so
 * two desks, or a desk and the tests, can share a machine.
 */
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65_535);

/** The variables and their defaults. SMTP, HTTP and the SES outbox are part of the local contract. */
export const LocalPortsEnv = z.object({
  LSUN_SMTP_PORT: port.default(2525),
  LSUN_HTTP_PORT: port.default(3000),
  LSUN_SES_PORT: port.default(8005),
  LSUN_DYNAMODB_PORT: port.default(8000),
  /** fauxqs: SQS and S3 on one port. */
  LSUN_FAUXQS_PORT: port.default(4566),
});

export type LocalPorts = {
  smtp: number;
  http: number;
  ses: number;
  dynamodb: number;
  fauxqs: number;
};

/** Raised when a port variable is not a port, or two services would share one. */
export class LocalPortsError extends Error {
  override name = 'LocalPortsError';
}

/**
 * Reads the local ports from `env`.
 * @throws LocalPortsError naming the variable at fault.
 */
export function localPorts(env: NodeJS.ProcessEnv = process.env): LocalPorts {
  const parsed = LocalPortsEnv.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} : ${issue.message}`);
    throw new LocalPortsError(`Ports locaux invalides :\n  ${problems.join('\n  ')}`, {
      cause: parsed.error,
    });
  }
  const e = parsed.data;
  const ports: LocalPorts = {
    smtp: e.LSUN_SMTP_PORT,
    http: e.LSUN_HTTP_PORT,
    ses: e.LSUN_SES_PORT,
    dynamodb: e.LSUN_DYNAMODB_PORT,
    fauxqs: e.LSUN_FAUXQS_PORT,
  };
  const taken = new Map<number, string>();
  for (const [service, value] of Object.entries(ports)) {
    const other = taken.get(value);
    if (other !== undefined) {
      throw new LocalPortsError(`Ports locaux : ${service} et ${other} utilisent tous deux le port ${value}`);
    }
    taken.set(value, service);
  }
  return ports;
}
