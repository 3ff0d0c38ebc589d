/**
 * The V8 flags Parley runs with: `npm start`, the `parley` bin (its shebang) and the benchmark
 * all pass exactly these (test/cli/node-flags.test.ts keeps them in step). Both only bound memory
 * (A/B pairs under the send benchmark, bench/README.md):
 *
 * - `--max-semi-space-size=8` (MB; Node 20 allows the young generation twice as much): 12 to 17 MB
 *   less peak RSS at the same req/s. 4 saved 15 MB more but cost about 5% of the req/s.
 * - `--initial-old-space-size=32` (MB): the first full collection comes before the old generation
 *   has grown far past what is live (about 35 MB): about 12 MB less peak RSS, same req/s.
 * - `--heap-growing-percent=50`: after each full collection the old generation may grow to 1.5x
 *   what is live, not V8's up to 4x. Under a load that queues (the purchase: every request waits
 *   its turn for the writer, so what it holds outlives the young generation) the peak RSS went
 *   from 218-242 to 150 MB, the thread read's from 185-190 to 125 MB, at the same CPU per request.
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--initial-old-space-size=32', '--heap-growing-percent=50'];
