// Look for: two producer processes that keep the queue under two items and one consumer, all looping
// forever. The queue depth stays between 0 and 2. This run never ends by itself: stop it (Stop or the
// time limit ends the whole process tree, nothing is left running).
import { Process, Queue, main, sleep } from 'concurrency-lens';

export class Producer extends Process {
  constructor(
    name: string,
    private readonly queue: Queue<number>,
  ) {
    super({ name: `Producer${name}` });
  }

  override async run(): Promise<void> {
    for (;;) {
      if ((await this.queue.qsize()) < 2) {
        const product = Math.floor(Math.random() * 11);
        await this.queue.put(product);
        console.log(`${this.name} produced ${product}, queue is ${await this.queue.qsize()} now`);
        sleep(1000);
      } else {
        console.log(`queue is ${await this.queue.qsize()}, stop produce`);
        sleep(200);
      }
    }
  }
}

export class Consumer extends Process {
  constructor(private readonly queue: Queue<number>) {
    super({ name: 'Consumer' });
  }

  override async run(): Promise<void> {
    for (;;) {
      const product = await this.queue.get();
      console.log(`consumed ${product}, queue is ${await this.queue.qsize()} now`);
      sleep(700);
    }
  }
}

main(() => {
  const queue = new Queue<number>();
  for (const p of [new Producer('A', queue), new Producer('B', queue), new Consumer(queue)]) p.start();
});
