// Look for: the child's writes to the shared Value and Array (value-write marks on its lane) and the
// main process reading the changed numbers after `join`.
import * as mp from 'concurrency-lens';
import { Process, type SharedArray, type SharedValue, main } from 'concurrency-lens';

export async function f(n: SharedValue, a: SharedArray): Promise<void> {
  n.set(3.1415927);
  for (let i = 0; i < a.length; i++) a.set(i, -(await a.get(i)));
}

main(async () => {
  const num = mp.Value('d', 0.0);
  const arr = mp.Array('i', [1, 2, 3, 4]);
  const p = new Process({ target: f, args: [num, arr] });
  p.start();
  await p.join();
  console.log(await num.get());
  console.log(await arr.toArray());
});
