/** Declared objects (locks, queues, pipes, values, pools) by key; a later declaration of a key replaces it. */
import type { TraceObject } from './api';

/** The objects of a trace in order of first declaration. */
export class ObjectTable {
  readonly list: TraceObject[] = [];
  private readonly index = new Map<string, number>();

  /** Adds or replaces the object `o.key`. */
  declare(o: TraceObject): void {
    const i = this.index.get(o.key);
    if (i === undefined) {
      this.index.set(o.key, this.list.length);
      this.list.push(o);
    } else this.list[i] = o;
  }

  /** The object with this key, if declared. */
  get(key: string): TraceObject | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.list[i];
  }
}
