# Look for: a Process subclass whose lane shows `ClockProcess.run` with five prints, each followed by a
# sleep span of `interval` seconds. The main process does not join: its lane ends first.
import multiprocessing
import time


class ClockProcess(multiprocessing.Process):
    def __init__(self, interval):
        multiprocessing.Process.__init__(self)
        self.interval = interval

    def run(self):
        n = 5
        while n > 0:
            print('the time is {0}'.format(time.ctime()))
            time.sleep(self.interval)
            n -= 1


if __name__ == '__main__':
    p = ClockProcess(0.5)
    p.start()
