/** The benchmarks' command-line values: one error and one integer reader for all of them. */

/** A command-line value that is not usable; the benches print its message alone. */
export class BenchOptionError extends Error {
  override name = 'BenchOptionError';
}

/** `value` (option `--name`) as an integer ≥ `min`, or a French error saying what was expected. */
export function intOption(name: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new BenchOptionError(`--${name} : entier ≥ ${min} attendu, reçu « ${value} »`);
  return n;
}
