// jest-worker module: one exported function per task.
exports.inc = (x) => x + 1;
