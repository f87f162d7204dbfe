import { afterEach, describe, expect, it, vi } from 'vitest';
import { NotAcceptableError, sensitive, TicketNotFoundError } from '#shared/domain/errors.ts';
import { DeskLogFormatter, honourConfiguredLogLevel, logger } from '#shared/logger.ts';

/** An error of the kind that carries what a mail said and who sent it. */
class MailFaultError extends Error {
  override name = 'MailFaultError';
  readonly code = 'mail_fault';
  constructor(
    readonly from: string,
    readonly subject: string,
    options?: ErrorOptions,
  ) {
    super('The mail could not be handled', options);
  }
}

/** What the logger printed, each line parsed. */
function captureLogs(): { lines: () => Array<Record<string, unknown>> } {
  const writes: string[] = [];
  const capture = (chunk: unknown) => {
    writes.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  return {
    lines: () =>
      writes
        .join('')
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('the desk logger', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('logs an error by its name, code, message and cause, never by the fields that hold mail data', () => {
    // Prepare
    const formatter = new DeskLogFormatter();
    const cause = new MailFaultError('camille.martin@ac-dijon.fr', 'LSUN bulletins introuvables');
    const error = new Error('Screening failed', { cause });

    // Act
    const formatted = formatter.formatError(error);

    // Assess
    const text = JSON.stringify(formatted);
    expect(formatted).toMatchObject({
      name: 'Error',
      message: 'Screening failed',
      cause: { name: 'MailFaultError', code: 'mail_fault', message: 'The mail could not be handled' },
    });
    expect(text).not.toContain('camille.martin@ac-dijon.fr');
    expect(text).not.toContain('bulletins');
  });

  it('prints no address or subject held by an error, through the real logger', () => {
    // Prepare
    const logs = captureLogs();
    const error = new MailFaultError('camille.martin@ac-dijon.fr', 'LSUN bulletins introuvables');

    // Act
    logger.error('Record failed', { error, sesMessageId: 'ses-1' });

    // Assess
    const [line] = logs.lines();
    expect(line).toMatchObject({
      message: 'Record failed',
      sesMessageId: 'ses-1',
      error: { code: 'mail_fault' },
    });
    expect(JSON.stringify(line)).not.toContain('camille.martin');
    expect(JSON.stringify(line)).not.toContain('bulletins');
  });

  it('keeps a domain error readable: its stable code and French message', () => {
    // Prepare
    const formatter = new DeskLogFormatter();

    // Act
    const formatted = formatter.formatError(new TicketNotFoundError('LSUN-2026-00042'));

    // Assess
    expect(formatted).toMatchObject({
      name: 'TicketNotFoundError',
      code: 'ticket_not_found',
      message: "Le ticket LSUN-2026-00042 n'existe pas.",
    });
  });
});

describe('sensitive fields of an error', () => {
  it('are readable by the code but not enumerable, so no serialisation carries them', () => {
    // Prepare
    const error = sensitive(
      new NotAcceptableError('ses-1', { ticketNumber: 'LSUN-2026-00001' }),
      'from',
      'x@ac-dijon.fr',
    );

    // Act
    const serialised = JSON.stringify({ ...error });

    // Assess
    expect(error.from).toBe('x@ac-dijon.fr');
    expect(serialised).not.toContain('x@ac-dijon.fr');
  });

  it('honours a log level set in the environment after it loaded, as the local desk sets it', () => {
    // Prepare
    const output = captureLogs();
    const before = logger.getLevelName();
    // As when the module loaded before the desk set its environment: Powertools' default.
    logger.setLogLevel('INFO');

    try {
      // Act
      honourConfiguredLogLevel({ POWERTOOLS_LOG_LEVEL: 'warn' });
      logger.info('Mail screened');
      logger.warn('Mail refused by SES for good; recorded failed');

      // Assess
      expect(output.lines().map((line) => line.message)).toEqual([
        'Mail refused by SES for good; recorded failed',
      ]);
    } finally {
      logger.setLogLevel(before);
    }
  });

  it('names the variable when the level is not one', () => {
    // Act, Assess
    expect(() => honourConfiguredLogLevel({ POWERTOOLS_LOG_LEVEL: 'bavard' })).toThrow(
      /POWERTOOLS_LOG_LEVEL/,
    );
  });
});
