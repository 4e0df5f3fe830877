/**
 * The ids of the Updates a case has applied, most recent last, kept across continue-as-new. The engine deduplicates
 * an Update id within one run only; a command retried after the case continued as new is recognised here instead.
 */
export const RECENT_UPDATE_IDS = 1000;

export class RecentIds {
  private readonly ids: string[];
  private readonly set: Set<string>;

  constructor(
    initial: string[] = [],
    private readonly limit = RECENT_UPDATE_IDS,
  ) {
    this.ids = initial.slice(-limit);
    this.set = new Set(this.ids);
  }

  has(id: string): boolean {
    return this.set.has(id);
  }

  add(id: string): void {
    if (this.set.has(id)) return;
    this.ids.push(id);
    this.set.add(id);
    while (this.ids.length > this.limit) this.set.delete(this.ids.shift() as string);
  }

  toArray(): string[] {
    return [...this.ids];
  }
}
