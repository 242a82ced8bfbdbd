// Look for: ping-pong messages between the main process and a child over a Pipe (send/recv marks and
// recv waits), then four processes filling one Manager dict (manager round trips on each lane).
import { Connection, DictProxy, Manager, Pipe, Process, main } from 'concurrency-lens';

export async function ponger(conn: Connection<string>): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const msg = await conn.recv();
    conn.send(msg.replace('ping', 'pong'));
  }
}

export async function fill(d: DictProxy<string, number>, n: number): Promise<void> {
  await d.set(`key${n}`, n * n);
}

main(async () => {
  const [here, there] = Pipe<string>();
  const p = new Process({ target: ponger, args: [there] });
  p.start();
  for (let i = 0; i < 3; i++) {
    here.send(`ping ${i}`);
    console.log(await here.recv());
  }
  await p.join();

  await using manager = Manager();
  const d = manager.dict<string, number>();
  const procs = [0, 1, 2, 3].map((n) => new Process({ target: fill, args: [d, n] }));
  for (const q of procs) q.start();
  for (const q of procs) await q.join();
  console.log(await d.toObject());
});
