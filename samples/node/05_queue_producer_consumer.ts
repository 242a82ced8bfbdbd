// Look for: a producer and a consumer lane with arrows from each put to the get of the same item; the
// consumer waits on the empty queue (queue-get waits) until the next item arrives. `null` ends it.
import { Process, Queue, main, sleep } from 'concurrency-lens';

export async function producer(q: Queue<number | null>): Promise<void> {
  for (let i = 0; i < 5; i++) {
    sleep(300);
    console.log(`producing ${i}`);
    await q.put(i);
  }
  await q.put(null);
}

export async function consumer(q: Queue<number | null>): Promise<void> {
  for (;;) {
    const item = await q.get();
    if (item === null) break;
    console.log(`consumed ${item}`);
  }
  console.log('consumer done');
}

main(async () => {
  const q = new Queue<number | null>();
  const procs = [new Process({ target: producer, args: [q] }), new Process({ target: consumer, args: [q] })];
  for (const p of procs) p.start();
  for (const p of procs) await p.join();
});
