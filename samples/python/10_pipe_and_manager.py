# Look for: ping/pong messages crossing the Pipe (arrows between the two lanes, `recv` waits), then a
# Manager process and four processes filling its dict: each proxy call is a `WaitManager` span.
from multiprocessing import Manager, Pipe, Process


def pinger(conn):
    for i in range(3):
        conn.send(('ping', i))
        print('child got', conn.recv())
    conn.close()


def fill(shared, i):
    shared[i] = i * i


if __name__ == '__main__':
    parent_conn, child_conn = Pipe()
    p = Process(target=pinger, args=(child_conn,))
    p.start()
    for _ in range(3):
        print('parent got', parent_conn.recv())
        parent_conn.send('pong')
    p.join()

    with Manager() as manager:
        shared = manager.dict()
        procs = [Process(target=fill, args=(shared, i)) for i in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        print('manager dict:', dict(shared))
