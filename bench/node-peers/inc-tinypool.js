// tinypool worker: the default export is the task.
module.exports = (x) => x + 1;
