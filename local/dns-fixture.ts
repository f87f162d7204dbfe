/**
 * A local DNS for mail authentication: the records `mailauth` asks for when it checks SPF,
 * DKIM and DMARC, answered from memory, so that receipt verdicts are computed for real
 * without any network.
 *
 * It publishes for ac-dijon.fr what makes the local desk behave like the real one: an SPF
 * record allowing 127.0.0.2 only, the dev-only DKIM key under selector `local`, and a DMARC
 * `p=reject` policy. It also publishes a few hostile domains, fully authenticated as an attacker
 * who registered them would make them (see {@link HOSTILE_DOMAINS}). Every other name does not
 * exist (ENOTFOUND), as for a domain with no records at all, so mail from elsewhere has no DMARC
 * policy.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shape of answer node's `dns.promises.resolve` gives, which is what mailauth expects. */
export type DnsAnswer = string[] | string[][] | Array<{ exchange: string; priority: number }>;

/** A resolver as mailauth takes it (`resolver(name, rrtype)`), in the style of `dns.promises.resolve`. */
export type DnsResolver = (name: string, rrtype: string) => Promise<DnsAnswer>;

/** The academic domain the fixture describes. */
export const FIXTURE_DOMAIN = 'ac-dijon.fr';
/** The only address allowed by the fixture's SPF record for ac-dijon.fr. */
export const FIXTURE_SPF_IP = '127.0.0.2';
/** Selector of the dev-only DKIM key. */
export const DEV_DKIM_SELECTOR = 'local';
/** The only address allowed by the SPF records of the {@link HOSTILE_DOMAINS}: the attacker's server. */
export const HOSTILE_SPF_IP = '127.0.0.3';
/** Selector of the hostile domains' DKIM key. */
export const HOSTILE_DKIM_SELECTOR = 'attaque';

/**
 * Domains an attacker owns and authenticates properly (SPF for {@link HOSTILE_SPF_IP}, a DKIM key
 * under {@link HOSTILE_DKIM_SELECTOR}, DMARC `p=reject`), so that a spoof from them passes SPF,
 * DKIM and DMARC for its own domain: the desk must refuse it for what it is, not because its
 * authentication happened to fail.
 */
export const HOSTILE_DOMAINS = [
  'evil.example',
  // Lookalikes of ac-dijon.fr: a suffix, a typo, and `ac-dіjon.fr` with a Cyrillic і, as DNS
  // carries it (punycode).
  'ac-dijon.fr.evil.example',
  'ac-dijom.fr',
  'xn--ac-djon-uog.fr',
] as const;

let hostileKey: string | undefined;

/**
 * The hostile domains' DKIM private key (Ed25519, PEM), made once per process: the fixture
 * publishes it and tests sign with it, both in the process that runs the desk. Never written
 * anywhere. Ed25519 (RFC 8463) because an RSA key takes seconds to make on a loaded machine, and
 * every desk started would pay for it.
 */
export function hostileDkimPrivateKey(): string {
  hostileKey ??= generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  return hostileKey;
}

/**
 * Makes this thread publish `pem` as the hostile domains' key: the SMTP stand-in checks mail on
 * the stand-ins' thread (stand-ins-worker.ts), and must publish the key that the desk's
 * thread, where tests sign, made.
 */
export function useHostileDkimPrivateKey(pem: string): void {
  hostileKey = pem;
}

/** Path of the dev-only DKIM private key shipped in the repository (see its README.txt). */
export const DEV_DKIM_KEY_PATH = fileURLToPath(
  new URL('./dev-keys/dkim-local.DEV-ONLY.pem', import.meta.url),
);

/** Reads the dev-only DKIM private key (PEM). Never use it outside the local stand-ins. */
export function devDkimPrivateKey(): string {
  return readFileSync(DEV_DKIM_KEY_PATH, 'utf8');
}

/**
 * Raised for a name or record type the fixture does not publish, with the `code` node's dns
 * module uses (ENOTFOUND: no such name; ENODATA: the name exists but not that record type),
 * because mailauth reads those codes as "no record" rather than as a DNS failure.
 */
export class DnsLookupError extends Error {
  override name = 'DnsLookupError';
  readonly code: 'ENOTFOUND' | 'ENODATA';
  readonly syscall: string;
  readonly hostname: string;

  constructor(code: 'ENOTFOUND' | 'ENODATA', rrtype: string, hostname: string) {
    const syscall = `query${rrtype.charAt(0)}${rrtype.slice(1).toLowerCase()}`;
    super(`${syscall} ${code} ${hostname}`);
    this.code = code;
    this.syscall = syscall;
    this.hostname = hostname;
  }
}

/**
 * A TXT record's value split in strings of at most 255 characters, as DNS carries long
 * records (a 2048-bit DKIM key does not fit in one).
 */
export function txtStrings(value: string): string[] {
  const strings: string[] = [];
  for (let start = 0; start < value.length; start += 255) strings.push(value.slice(start, start + 255));
  return strings;
}

/** The DKIM TXT record value publishing a public key (RSA or Ed25519). */
export function dkimRecord(publicKey: string | KeyObject): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const spki = key.export({ type: 'spki', format: 'der' });
  if (key.asymmetricKeyType === 'ed25519') {
    // RFC 8463 publishes the raw 32-byte key, not its SPKI wrapping.
    return `v=DKIM1; k=ed25519; p=${spki.subarray(spki.length - 32).toString('base64')}`;
  }
  return `v=DKIM1; k=rsa; p=${spki.toString('base64')}`;
}

/** What {@link DnsFixture.addDomain} can publish for a mail domain. */
export type MailDomainRecords = {
  /** SPF record, e.g. `v=spf1 ip4:127.0.0.3 -all`. */
  spf?: string;
  /** DMARC record, e.g. `v=DMARC1; p=quarantine`. */
  dmarc?: string;
  /** DKIM keys by selector: a public key (PEM or KeyObject) or a private key to derive it from. */
  dkim?: Record<string, string | KeyObject>;
};

function normalise(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** An in-memory DNS zone whose `resolve` function mailauth can use as its resolver. */
export class DnsFixture {
  readonly #records = new Map<string, Map<string, DnsAnswer>>();

  /** Replaces the answer for a name and record type. */
  set(name: string, rrtype: string, answer: DnsAnswer): this {
    const key = normalise(name);
    const byType = this.#records.get(key) ?? new Map<string, DnsAnswer>();
    byType.set(rrtype.toUpperCase(), answer);
    this.#records.set(key, byType);
    return this;
  }

  /** Removes one record type of a name, or the whole name. */
  delete(name: string, rrtype?: string): this {
    const key = normalise(name);
    if (rrtype === undefined) this.#records.delete(key);
    else this.#records.get(key)?.delete(rrtype.toUpperCase());
    return this;
  }

  /** Publishes a TXT record (one record; long values are split as DNS does). */
  setTxt(name: string, value: string): this {
    return this.set(name, 'TXT', [txtStrings(value)]);
  }

  /** Publishes the SPF, DMARC and DKIM records of a mail domain (e.g. a second domain in a test). */
  addDomain(domain: string, records: MailDomainRecords): this {
    if (records.spf !== undefined) this.setTxt(domain, records.spf);
    if (records.dmarc !== undefined) this.setTxt(`_dmarc.${domain}`, records.dmarc);
    for (const [selector, key] of Object.entries(records.dkim ?? {})) {
      this.setTxt(`${selector}._domainkey.${domain}`, dkimRecord(key));
    }
    return this;
  }

  /**
   * Answers like `dns.promises.resolve(name, rrtype)`: the records, or a {@link DnsLookupError}.
   * An arrow property so it can be handed around unbound (`resolver: fixture.resolve`).
   */
  readonly resolve: DnsResolver = async (name, rrtype) => {
    const byType = this.#records.get(normalise(name));
    const type = rrtype.toUpperCase();
    if (!byType || byType.size === 0) throw new DnsLookupError('ENOTFOUND', type, name);
    const answer = byType.get(type);
    if (!answer || answer.length === 0) throw new DnsLookupError('ENODATA', type, name);
    return structuredClone(answer);
  };
}

/**
 * The fixture of the local desk: ac-dijon.fr with SPF `ip4:127.0.0.2 -all`, the dev-only DKIM
 * key under selector `local`, and DMARC `p=reject`; the {@link HOSTILE_DOMAINS}, authenticated
 * from 127.0.0.3; nothing else exists.
 */
export function createDnsFixture(): DnsFixture {
  const fixture = new DnsFixture().addDomain(FIXTURE_DOMAIN, {
    spf: `v=spf1 ip4:${FIXTURE_SPF_IP} -all`,
    dmarc: 'v=DMARC1; p=reject',
    dkim: { [DEV_DKIM_SELECTOR]: createPublicKey(devDkimPrivateKey()) },
  });
  const hostilePublicKey = createPublicKey(hostileDkimPrivateKey());
  for (const domain of HOSTILE_DOMAINS) {
    fixture.addDomain(domain, {
      spf: `v=spf1 ip4:${HOSTILE_SPF_IP} -all`,
      dmarc: 'v=DMARC1; p=reject',
      dkim: { [HOSTILE_DKIM_SELECTOR]: hostilePublicKey },
    });
  }
  return fixture;
}
