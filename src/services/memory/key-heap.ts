/**
 * A binary min-heap of exact double keys: the working column of the coboundary reduction (Ripser's
 * `working_coboundary`). Over Z/2 a key present twice cancels, so the pivot is found by popping equal
 * keys in pairs (Ripser's `get_pivot`).
 */
export class KeyHeap {
  private keys = new Float64Array(256);
  size = 0;

  clear(): void {
    this.size = 0;
  }

  push(key: number): void {
    if (this.size === this.keys.length) {
      const grown = new Float64Array(this.keys.length * 2);
      grown.set(this.keys);
      this.keys = grown;
    }
    const keys = this.keys;
    let at = this.size++;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (keys[parent] <= key) break;
      keys[at] = keys[parent];
      at = parent;
    }
    keys[at] = key;
  }

  /** Removes and returns the smallest key (-1 when empty). */
  pop(): number {
    if (this.size === 0) return -1;
    const keys = this.keys;
    const top = keys[0];
    const last = keys[--this.size];
    let at = 0;
    const half = this.size >> 1;
    while (at < half) {
      let child = 2 * at + 1;
      if (child + 1 < this.size && keys[child + 1] < keys[child]) child++;
      if (keys[child] >= last) break;
      keys[at] = keys[child];
      at = child;
    }
    keys[at] = last;
    return top;
  }

  /** The smallest key with an odd count (mod-2 sum), left in the heap; -1 when the column is zero. */
  pivot(): number {
    while (this.size > 0) {
      const key = this.pop();
      if (this.size > 0 && this.keys[0] === key) {
        this.pop(); // the pair cancels over Z/2
        continue;
      }
      this.push(key);
      return key;
    }
    return -1;
  }
}
