// One process of a run, started the way the runner starts the root but without recording: prints the
// CPU time it used (its Node start included) once `main` ran. Plain CommonJS, run without a bundle.
const { main } = require('concurrency-lens');

main(() => {
  const c = process.cpuUsage();
  console.log((c.user + c.system) / 1000);
});
