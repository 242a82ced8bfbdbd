/** A FIFO with O(1) `shift` at any size (Array#shift copies large arrays), used for task queues. */
export class Deque<T> {
  private items: T[] = [];
  private head = 0;

  /** Number of items. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Appends at the back. */
  push(x: T): void {
    this.items.push(x);
  }

  /** Puts items back at the front, in order. */
  unshift(...xs: T[]): void {
    this.items = [...xs, ...this.items.slice(this.head)];
    this.head = 0;
  }

  /** The front item, left in place. */
  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /** Removes and returns the front item. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const x = this.items[this.head];
    this.items[this.head++] = undefined as T;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return x;
  }

  /** Removes and returns every item. */
  clear(): T[] {
    const all = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return all;
  }
}
