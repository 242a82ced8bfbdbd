// Look for: a Process subclass whose lane shows `ClockProcess.run` with five prints, each followed by a
// sleep span of `interval` ms. The main process does not join: its lane ends first.
import { Process, main, sleep } from 'concurrency-lens';

export class ClockProcess extends Process {
  constructor(private readonly interval: number) {
    super();
  }

  override run(): void {
    for (let n = 5; n > 0; n--) {
      console.log(`the time is ${new Date().toTimeString().slice(0, 8)}`);
      sleep(this.interval);
    }
  }
}

main(() => {
  const p = new ClockProcess(500);
  p.start();
});
