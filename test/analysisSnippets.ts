/**
 * Snippets whose analysis answer is known, shared by the engine's CLI tests and the analysis tests:
 * a lock convoy in Python and in Node. Each worker says it is ready, waits for the go, then takes the
 * same lock three times and holds it ~50 ms (Python) / 40 ms (Node), so the workers queue behind it.
 */

/** Python: four processes convoy on `counter_lock` (3 acquisitions each, 50 ms holds, 10 ms apart). */
export const CONVOY_PY = `import time
from multiprocessing import Event, Lock, Process, Queue


def work(lock, ready, go):
    ready.put(1)
    go.wait()
    for _ in range(3):
        with lock:
            time.sleep(0.05)
        time.sleep(0.01)


if __name__ == '__main__':
    counter_lock = Lock()
    ready = Queue()
    go = Event()
    ps = [Process(target=work, args=(counter_lock, ready, go)) for _ in range(4)]
    for p in ps:
        p.start()
    for p in ps:
        ready.get()
    go.set()
    for p in ps:
        p.join()
`;

/** Node: three processes convoy on `counter_lock` (3 acquisitions each, 40 ms busy holds); prints `done`. */
export const CONVOY_TS = `import { Event, Lock, Process, Queue, main, sleep } from 'concurrency-lens';
export async function work(lock: Lock, ready: Queue, go: Event) {
  await ready.put(1);
  await go.wait();
  for (let i = 0; i < 3; i++) {
    await lock.acquire();
    sleep(40);
    lock.release();
  }
}
main(async () => {
  const lock = new Lock({ name: 'counter_lock' });
  const ready = new Queue();
  const go = new Event();
  const ps = [0, 1, 2].map(() => new Process({ target: work, args: [lock, ready, go] }));
  ps.forEach((p) => p.start());
  for (let i = 0; i < 3; i++) await ready.get();
  go.set();
  for (const p of ps) await p.join();
  console.log('done');
});
`;
