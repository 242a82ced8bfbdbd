// workerpool worker script.
require('workerpool').worker({ inc: (x) => x + 1 });
