/** The store's interned strings: span columns hold ids into it (id 0 is the empty string). */

/** String ↔ id, append-only. */
export class StringTable {
  private readonly strings: string[] = [''];
  private readonly ids = new Map<string, number>([['', 0]]);
  /** `intern` bound to this table, for callbacks. */
  readonly internFn = (s: string): number => this.intern(s);

  /** The id of `s`, adding it if new. */
  intern(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.ids.set(s, id);
    }
    return id;
  }

  /** The string of `id` ('' if unknown). */
  str(id: number): string {
    return this.strings[id] ?? '';
  }
}
