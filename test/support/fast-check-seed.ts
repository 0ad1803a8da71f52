import fc from 'fast-check'

/**
 * Property tests run on random seeds locally; fast-check prints the seed and
 * path of any counterexample. `FC_SEED=<n>` pins every property to one seed so
 * a red run can be replayed; `.ci/run` pins it (default 20261205) so CI is
 * reproducible. A failure found on a random seed is a bug to fix, never a flake
 * to retry: add its seed/path as a fixed regression test.
 */
const raw = process.env.FC_SEED
if (raw !== undefined && raw !== '') {
  const seed = Number(raw)
  if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer, got ${JSON.stringify(raw)}`)
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed })
}
