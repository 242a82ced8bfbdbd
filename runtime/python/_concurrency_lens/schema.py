"""Record kinds, span categories and field layouts: a mirror of common/schema.ts (checked by a test)."""

SCHEMA_VERSION = 1

# Kind number -> (name, [(field, type)]) exactly as RECORD_FIELDS in common/schema.ts.
RECORD_FIELDS = {
    0: ('StrDef', [('id', 'u32'), ('text', 'text')]),
    1: ('ProcStart', [('ppid', 'i32'), ('name', 'str'), ('role', 'u32')]),
    2: ('ProcExit', [('code', 'i32'), ('signal', 'str')]),
    3: ('ThreadStart', [('name', 'str')]),
    4: ('ThreadEnd', []),
    5: ('Begin', [('span', 'u32'), ('cat', 'u32'), ('name', 'str'), ('detail', 'str'), ('obj', 'str'), ('loc', 'str')]),
    6: ('End', [('span', 'u32'), ('status', 'u32')]),
    7: ('ObjDecl', [('obj', 'str'), ('type', 'u32'), ('name', 'str'), ('capacity', 'i32'), ('loc', 'str')]),
    8: ('TaskSubmit', [('pool', 'str'), ('task', 'u32'), ('fn', 'str'), ('args', 'str'), ('chunk', 'u32'),
                       ('loc', 'str')]),
    9: ('TaskStart', [('pool', 'str'), ('task', 'u32')]),
    10: ('TaskEnd', [('pool', 'str'), ('task', 'u32'), ('status', 'u32')]),
    11: ('TaskResult', [('pool', 'str'), ('task', 'u32'), ('status', 'u32')]),
    12: ('LockAcquire', [('obj', 'str'), ('fromPid', 'i32'), ('waited', 'u32'), ('loc', 'str')]),
    13: ('LockRelease', [('obj', 'str')]),
    14: ('QueuePut', [('obj', 'str'), ('item', 'u32'), ('depth', 'i32')]),
    15: ('QueueGet', [('obj', 'str'), ('putPid', 'i32'), ('item', 'u32'), ('depth', 'i32')]),
    16: ('PipeSend', [('obj', 'str'), ('msg', 'u32')]),
    17: ('PipeRecv', [('obj', 'str'), ('sendPid', 'i32'), ('msg', 'u32')]),
    18: ('ValueWrite', [('obj', 'str'), ('index', 'i32'), ('value', 'f64')]),
    19: ('Output', [('stream', 'u32'), ('text', 'text')]),
    20: ('Sample', [('cpu', 'f64'), ('elu', 'f64')]),
    21: ('Mark', [('name', 'str')]),
    22: ('Error', [('message', 'text'), ('stack', 'text')]),
    23: ('Aggregate', [('obj', 'str'), ('what', 'u32'), ('count', 'u32'), ('since', 'f64')]),
    24: ('RunStart', [('snippet', 'str'), ('runtime', 'str'), ('cores', 'u32')]),
    25: ('RunEnd', [('reason', 'str'), ('code', 'i32')]),
    26: ('Lost', [('count', 'u32'), ('reason', 'text')]),
}


class K:
    """Record kinds (see `Kind` in common/schema.ts)."""

    STR_DEF, PROC_START, PROC_EXIT, THREAD_START, THREAD_END, BEGIN, END, OBJ_DECL = range(8)
    TASK_SUBMIT, TASK_START, TASK_END, TASK_RESULT = 8, 9, 10, 11
    LOCK_ACQUIRE, LOCK_RELEASE, QUEUE_PUT, QUEUE_GET, PIPE_SEND, PIPE_RECV, VALUE_WRITE = range(12, 19)
    OUTPUT, SAMPLE, MARK, ERROR, AGGREGATE = range(19, 24)


class Cat:
    """Span categories (see `Cat` in common/schema.ts)."""

    RUN, TASK, USER, HOLD, SLEEP = 0, 1, 2, 3, 4
    WAIT_LOCK, WAIT_QUEUE_GET, WAIT_QUEUE_PUT, WAIT_JOIN, WAIT_RECV = 10, 11, 12, 13, 14
    WAIT_RESULT, WAIT_SEMAPHORE, WAIT_EVENT, WAIT_CONDITION, WAIT_MANAGER = 15, 16, 17, 18, 19


class Status:
    OK, ERROR, TIMEOUT, CANCELLED = 0, 1, 2, 3


class Role:
    ROOT, PROCESS, POOL_WORKER, MANAGER, OTHER = 0, 1, 2, 3, 4


class Obj:
    """Declared object types (see `ObjType`)."""

    LOCK, RLOCK, SEMAPHORE, EVENT, CONDITION, QUEUE, PIPE, VALUE, ARRAY, POOL, MANAGER, BARRIER = range(12)


ENV_SOCKET = 'CONCURRENCY_LENS_SOCKET'
ENV_TOKEN = 'CONCURRENCY_LENS_TOKEN'
ENV_SNIPPET = 'CONCURRENCY_LENS_SNIPPET'
