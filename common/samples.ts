/**
 * The bundled samples (`samples/node/*.ts`, `samples/python/*.py`, the same numbered programs in
 * both runtimes), by repository path. The panel may ask the host to open one of these and nothing
 * else; a unit test checks the list against the folder.
 */

const STEMS = [
  '01_process_pid',
  '02_parallel_sleep',
  '03_clock_process',
  '04_pool_map',
  '05_queue_producer_consumer',
  '06_value_array',
  '07_lock_counter',
  '08_threads_vs_processes',
  '09_pool_methods',
  '10_pipe_and_manager',
  '11_endless_producers',
  '12_pool_apply_async_batches',
] as const;

/** Repository paths of every bundled sample ("samples/python/07_lock_counter.py"). */
export const SAMPLE_PATHS: readonly string[] = [
  ...STEMS.map((s) => `samples/node/${s}.ts`),
  ...STEMS.map((s) => `samples/python/${s}.py`),
];

const KNOWN = new Set(SAMPLE_PATHS);

/** Whether `id` is exactly one of `SAMPLE_PATHS`. */
export function isSamplePath(id: unknown): id is string {
  return typeof id === 'string' && KNOWN.has(id);
}
