// Look for: two lanes. The main process starts one child, whose lane shows a short `Run` span with
// the print of its PID, then the main process's `join` wait ends when the child exits.
import { Process, currentProcess, main } from 'concurrency-lens';

export function showPid(label: string): void {
  console.log(`${label}: I am ${currentProcess().name}, pid ${process.pid}, parent ${process.ppid}`);
}

main(async () => {
  console.log(`main process pid ${process.pid}`);
  const p = new Process({ target: showPid, args: ['child'] });
  p.start();
  await p.join();
  console.log(`child exited with code ${p.exitCode}`);
});
