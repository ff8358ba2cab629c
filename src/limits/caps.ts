/**
 * How many of something each credential holds at once (WebSocket connections, operations open on them),
 * against a cap. What is held is given back through the release that `acquire` returns.
 */
export class CredentialCaps {
  private readonly held = new Map<string, number>();

  /** `max` 0 means no cap. */
  constructor(readonly max: number) {}

  /** Takes one for `key` and returns its release (safe to call more than once), or null at the cap. */
  acquire(key: string): (() => void) | null {
    const count = this.held.get(key) ?? 0;
    if (this.max > 0 && count >= this.max) return null;
    this.held.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(key) ?? 1) - 1;
      if (left > 0) this.held.set(key, left);
      else this.held.delete(key);
    };
  }
}
