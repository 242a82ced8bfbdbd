// Recording cost in a child: ns per `mark()` against a peer recorder that pushes tuples into an array
// flushed as JSON every 16 ms, and against the bare loop. The loop yields every 10,000 events so the
// peer's flush timer runs; our flusher is a separate thread. Results go to the file BENCH_OUT.
import { openSync, writeFileSync, writeSync } from 'node:fs';
import { Process, main, mark } from 'concurrency-lens';

export async function measure(n, rounds) {
  const fd = openSync('/dev/null', 'w');
  let batch = [];
  const timer = setInterval(() => {
    if (batch.length > 0) writeSync(fd, JSON.stringify(batch));
    batch = [];
  }, 16);
  const peer = (name) => batch.push([performance.now(), 21, name]);
  const none = () => undefined;
  const kinds = { empty: none, ours: mark, peer };
  const ns = { empty: [], ours: [], peer: [] };
  for (let r = 0; r < rounds; r++) {
    for (const [label, f] of Object.entries(kinds)) {
      const t = performance.now();
      for (let i = 0; i < n; i += 10000) {
        for (let j = 0; j < 10000; j++) f('tick');
        await new Promise(setImmediate);
      }
      ns[label].push(((performance.now() - t) * 1e6) / n);
    }
  }
  clearInterval(timer);
  writeFileSync(process.env.BENCH_OUT, JSON.stringify(ns));
}

main(async () => {
  const p = new Process({
    target: measure,
    args: [Number(process.env.BENCH_N ?? 500000), Number(process.env.BENCH_ROUNDS ?? 7)],
  });
  p.start();
  await p.join();
});
