# Look for: two producer processes that keep the queue under two items and one consumer, all looping
# forever. The queue depth stays between 0 and 2. This run never ends by itself: stop it (Stop or the
# time limit ends the whole process tree, nothing is left running). Like the tutorial, it relies on the
# fork start method (Linux up to Python 3.13): under spawn or forkserver the main process returns at once
# and the children fail to open the module-level queue, with or without Concurrency Lens.
import multiprocessing
import random
import time
from multiprocessing import Queue

que = Queue()


class ProduceMethod(multiprocessing.Process):
    def __init__(self, name, que):
        multiprocessing.Process.__init__(self)
        self.data = que
        self.name = 'Process%s' % name

    def run(self):
        while True:
            if self.data.qsize() < 2:
                self.do_produce(self.name)
                time.sleep(1)
            else:
                print('queue is %s, stop produce' % self.data.qsize())
                time.sleep(0.2)

    def do_produce(self, name):
        product = random.randint(0, 10)
        self.data.put(product)
        print('%s produced %s, queue is %s now' % (name, product, self.data.qsize()))


class ConsumeMethodEven(multiprocessing.Process):
    def __init__(self, name, que):
        multiprocessing.Process.__init__(self)
        self.data = que
        self.name = 'Consumer %s' % name

    def run(self):
        while True:
            if self.data.qsize() > 0:
                product = self.data.get()
                print('%s consumed %s, queue is %s now' % (self.name, product, self.data.qsize()))
            time.sleep(0.5)


if __name__ == '__main__':
    for i in range(2):
        p1 = ProduceMethod(i, que)
        p1.start()
    c1 = ConsumeMethodEven(1, que)
    c1.start()
