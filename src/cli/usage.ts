/** A command line the CLI cannot act on: `main` prints the reason and the usage, and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
