# Look for: a producer lane putting 0..4 and a None sentinel on the queue, a consumer lane waiting on
# `get` while the queue is empty, arrows from each put to its get, and the queue depth rising and falling.
from multiprocessing import Process, Queue


def producer(q):
    for i in range(5):
        q.put(i)
    q.put(None)  # end marker


def consumer(q):
    while True:
        item = q.get()
        if item is None:
            break
        print('consumed:', item)


if __name__ == '__main__':
    q = Queue()
    p1 = Process(target=producer, args=(q,))
    p2 = Process(target=consumer, args=(q,))
    p1.start()
    p2.start()
    p1.join()
    p2.join()
