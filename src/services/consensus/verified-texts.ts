/**
 * Texts whose signature or MAC checked out, by tag (`s:<sig>` or `m:<auth>`), so a certificate or a
 * request seen before costs no second check. Bounded by bytes (oldest dropped first); large texts
 * are not kept.
 */
export class VerifiedTexts {
  private readonly texts = new Map<string, string>();
  private bytes = 0;

  constructor(private readonly maxBytes: number, private readonly maxTextBytes: number) {}

  /** Whether `text` is what was verified under `key`. */
  holds(key: string, text: string): boolean {
    return this.texts.get(key) === text;
  }

  add(key: string, text: string): void {
    if (text.length > this.maxTextBytes) return;
    const prior = this.texts.get(key);
    if (prior !== undefined) {
      this.texts.delete(key);
      this.bytes -= prior.length;
    }
    while (this.bytes + text.length > this.maxBytes && this.texts.size > 0) {
      const [oldKey, oldText] = this.texts.entries().next().value!;
      this.texts.delete(oldKey);
      this.bytes -= oldText.length;
    }
    this.texts.set(key, text);
    this.bytes += text.length;
  }
}
