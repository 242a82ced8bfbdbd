/**
 * The broker: state of every cross-process object of the run (locks, semaphores, events, conditions,
 * queues, pipes, shared values, manager dicts and lists), kept in the root process. Processes send it
 * requests (see `broker-client.ts`); blocking requests are answered when they can proceed or when
 * their timeout elapses. Waiters are served first come, first served.
 */
import { now } from './clock';

/** A request to the broker. `id` is set when the sender waits for an answer. */
export interface Req {
  id?: number;
  op: string;
  obj: string;
  /** Owner identity (`pid/tid`) for locks. */
  who?: string;
  pid?: number;
  timeout?: number;
  [k: string]: unknown;
}
/** An answer: `ok` false means the timeout elapsed. */
export type Res = { ok: boolean; [k: string]: unknown };
type Reply = (r: Res) => void;

interface Waiter {
  conn: number;
  reply: Reply;
  timer?: NodeJS.Timeout;
  who: string;
  pid: number;
  /** Queue put: the pending item. Condition: the lock to re-acquire. */
  payload?: unknown;
}

interface LockState {
  kind: 'lock';
  owner: string;
  ownerPid: number;
  /** Free slots for a semaphore; locks use 1. */
  value: number;
  max: number;
  waiters: Waiter[];
}
interface QueueState {
  kind: 'queue';
  items: { value: unknown; pid: number; item: number }[];
  maxsize: number;
  next: number;
  getters: Waiter[];
  putters: Waiter[];
}
interface EventState {
  kind: 'event';
  set: boolean;
  waiters: Waiter[];
}
interface CondState {
  kind: 'cond';
  waiters: Waiter[];
}
interface DataState {
  kind: 'data';
  value: unknown[] | Map<unknown, unknown>;
}
interface PipeState {
  kind: 'pipe';
  /** Inboxes of the two ends. */
  boxes: [{ value: unknown; pid: number; msg: number }[], { value: unknown; pid: number; msg: number }[]];
  waiters: [Waiter[], Waiter[]];
}
type State = LockState | QueueState | EventState | CondState | DataState | PipeState;

function drop(list: Waiter[], w: Waiter): boolean {
  const i = list.indexOf(w);
  if (i >= 0) list.splice(i, 1);
  return i >= 0;
}

/** Broker state machine; transport-independent. */
export class Broker {
  private readonly objs = new Map<string, State>();

  /** Handles one request from connection `conn`; `reply` is called once if the request has an id. */
  handle(conn: number, r: Req, reply: Reply): void {
    const o = this.objs.get(r.obj);
    const w: Waiter = { conn, reply, who: r.who ?? '', pid: r.pid ?? 0 };
    switch (r.op) {
      case 'create':
        if (!o) this.objs.set(r.obj, this.make(r));
        return;
      case 'sync':
        return reply({ ok: true });
      case 'acquire':
        return this.acquire(o as LockState, w, r.timeout);
      case 'release':
        return this.release(o as LockState, w.pid);
      case 'put':
        return this.put(o as QueueState, w, r.value, r.timeout);
      case 'get':
        return this.get(o as QueueState, w, r.timeout);
      case 'qsize': {
        const q = o as QueueState;
        return reply({ ok: true, value: q.items.length, maxsize: q.maxsize });
      }
      case 'evset': {
        const e = o as EventState;
        e.set = true;
        for (const x of e.waiters.splice(0)) this.answer(x, { ok: true });
        return;
      }
      case 'evclear':
        (o as EventState).set = false;
        return;
      case 'evis':
        return reply({ ok: true, value: (o as EventState).set });
      case 'evwait': {
        const e = o as EventState;
        if (e.set) return reply({ ok: true });
        return this.park(e.waiters, w, r.timeout, () => reply({ ok: false }));
      }
      case 'cwait':
        return this.condWait(o as CondState, r.lock as string, w, r.timeout);
      case 'notify': {
        const c = o as CondState;
        const n = (r.n as number) < 0 ? c.waiters.length : (r.n as number);
        for (const x of c.waiters.splice(0, n)) {
          if (x.timer) clearTimeout(x.timer);
          x.timer = undefined;
          this.acquire(this.objs.get(x.payload as string) as LockState, x, undefined, true);
        }
        return;
      }
      case 'send': {
        const p = o as PipeState;
        const end = r.end as 0 | 1;
        const waiter = p.waiters[end].shift();
        const msg = { value: r.value, pid: w.pid, msg: r.msg as number };
        if (waiter) this.answer(waiter, { ok: true, ...msg, t: now() });
        else p.boxes[end].push(msg);
        return;
      }
      case 'recv':
      case 'poll': {
        const p = o as PipeState;
        const end = r.end as 0 | 1;
        const box = p.boxes[end];
        if (box.length > 0) return reply(r.op === 'poll' ? { ok: true } : { ok: true, ...box.shift(), t: now() });
        if (r.op === 'poll' && !r.timeout) return reply({ ok: false });
        if (r.op === 'poll') {
          // A poll waiter is answered with the message put back in front of the box.
          const orig = w.reply;
          w.reply = (res) => {
            if (res.ok) box.unshift({ value: res.value, pid: res.pid as number, msg: res.msg as number });
            orig({ ok: res.ok });
          };
        }
        return this.park(p.waiters[end], w, r.timeout, () => reply({ ok: false }));
      }
      case 'data':
        return reply({ ok: true, value: this.data(o as DataState, r.m as string, r.args as unknown[]) });
      default:
        return reply({ ok: false, error: `unknown broker operation ${r.op}` });
    }
  }

  /** Forgets the waiters of a connection that closed (a process that ended). */
  disconnect(conn: number): void {
    for (const o of this.objs.values()) {
      const lists =
        o.kind === 'lock' || o.kind === 'event' || o.kind === 'cond'
          ? [o.waiters]
          : o.kind === 'queue'
            ? [o.getters, o.putters]
            : o.kind === 'pipe'
              ? o.waiters
              : [];
      for (const list of lists) {
        for (const x of list.filter((x) => x.conn === conn)) {
          if (x.timer) clearTimeout(x.timer);
          drop(list, x);
        }
      }
    }
  }

  private make(r: Req): State {
    switch (r.kind) {
      case 'lock':
        return { kind: 'lock', owner: '', ownerPid: 0, value: 1, max: 1, waiters: [] };
      case 'sem': {
        const v = Number(r.value ?? 1);
        return { kind: 'lock', owner: '', ownerPid: 0, value: v, max: r.bounded ? v : Infinity, waiters: [] };
      }
      case 'queue':
        return { kind: 'queue', items: [], maxsize: Number(r.maxsize ?? 0), next: 0, getters: [], putters: [] };
      case 'event':
        return { kind: 'event', set: false, waiters: [] };
      case 'cond':
        return { kind: 'cond', waiters: [] };
      case 'pipe':
        return { kind: 'pipe', boxes: [[], []], waiters: [[], []] };
      case 'dict':
        return { kind: 'data', value: new Map(r.value as [unknown, unknown][] | undefined) };
      default:
        return { kind: 'data', value: [...((r.value as unknown[]) ?? [])] };
    }
  }

  private answer(w: Waiter, res: Res): void {
    if (w.timer) clearTimeout(w.timer);
    w.reply(res);
  }

  private park(list: Waiter[], w: Waiter, timeout: number | undefined, onTimeout: () => void): void {
    list.push(w);
    if (timeout !== undefined && timeout >= 0) {
      w.timer = setTimeout(() => {
        if (drop(list, w)) onTimeout();
      }, timeout);
    }
  }

  private acquire(l: LockState, w: Waiter, timeout: number | undefined, front = false): void {
    if (l.value > 0 && l.waiters.length === 0) {
      l.value--;
      l.owner = w.who;
      l.ownerPid = w.pid;
      return this.answer(w, { ok: true, fromPid: 0, t: now() });
    }
    if (timeout === 0) return w.reply({ ok: false });
    if (front) l.waiters.unshift(w);
    else this.park(l.waiters, w, timeout, () => w.reply({ ok: false }));
  }

  private release(l: LockState, pid: number): void {
    const next = l.waiters.shift();
    if (next) {
      l.owner = next.who;
      l.ownerPid = next.pid;
      return this.answer(next, { ok: true, fromPid: pid, t: now() });
    }
    l.value = Math.min(l.max, l.value + 1);
    l.owner = '';
    l.ownerPid = 0;
  }

  private condWait(c: CondState, lock: string, w: Waiter, timeout: number | undefined): void {
    const l = this.objs.get(lock) as LockState;
    this.release(l, w.pid);
    w.payload = lock;
    const reply = w.reply;
    w.reply = (res) => reply({ ...res, notified: true });
    this.park(c.waiters, w, timeout, () => {
      w.reply = (res) => reply({ ...res, ok: false });
      this.acquire(l, w, undefined, true);
    });
  }

  private put(q: QueueState, w: Waiter, value: unknown, timeout: number | undefined): void {
    if (q.maxsize > 0 && q.items.length >= q.maxsize) {
      w.payload = value;
      return this.park(q.putters, w, timeout, () => w.reply({ ok: false }));
    }
    this.enqueue(q, w, value);
  }

  private enqueue(q: QueueState, w: Waiter, value: unknown): void {
    const item = ++q.next;
    q.items.push({ value, pid: w.pid, item });
    this.answer(w, { ok: true, item, depth: q.items.length, t: now() });
    const g = q.getters.shift();
    if (g) this.take(q, g);
  }

  private take(q: QueueState, w: Waiter): void {
    const it = q.items.shift()!;
    this.answer(w, { ok: true, value: it.value, putPid: it.pid, item: it.item, depth: q.items.length, t: now() });
    const p = q.putters.shift();
    if (p) this.enqueue(q, p, p.payload);
  }

  private get(q: QueueState, w: Waiter, timeout: number | undefined): void {
    if (q.items.length > 0) return this.take(q, w);
    this.park(q.getters, w, timeout, () => w.reply({ ok: false }));
  }

  private data(d: DataState, m: string, args: unknown[] = []): unknown {
    const v = d.value;
    if (v instanceof Map) {
      switch (m) {
        case 'get':
          return v.has(args[0]) ? v.get(args[0]) : args[1];
        case 'set':
          v.set(args[0], args[1]);
          return undefined;
        case 'delete':
          return v.delete(args[0]);
        case 'has':
          return v.has(args[0]);
        case 'size':
          return v.size;
        case 'entries':
          return [...v.entries()];
        case 'clear':
          v.clear();
          return undefined;
      }
      throw new Error(`unknown dict operation ${m}`);
    }
    switch (m) {
      case 'get':
        return v[args[0] as number];
      case 'set':
        v[args[0] as number] = args[1];
        return undefined;
      case 'push':
        return v.push(...args);
      case 'pop':
        return v.pop();
      case 'size':
        return v.length;
      case 'all':
        return v;
      case 'splice':
        return v.splice(args[0] as number, args[1] as number, ...args.slice(2));
    }
    throw new Error(`unknown list operation ${m}`);
  }
}
