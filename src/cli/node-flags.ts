/**
 * The V8 flags Parley runs with: `npm start`, the `parley` bin (its shebang) and the benchmark
 * all pass exactly these (test/cli/node-flags.test.ts keeps them in step).
 *
 * `--max-semi-space-size=8` (MB; Node 20's default young generation is twice as large): under a
 * send load it measured 12 to 17 MB less peak RSS (about 183 MB against 195 MB) at the same
 * req/s; see bench/README.md.
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];
