/**
 * The ids of the Updates a case has applied, most recent last, kept across continue-as-new. The engine deduplicates
 * an Update id within one run only; a command retried after the case continued as new is recognised here instead,
 * and answered with the id of what it created (a special procedure, an extension), as its first answer was.
 */
const RECENT_UPDATE_IDS = 1000;

export class RecentIds {
  private readonly ids: string[];
  private readonly set: Set<string>;
  private readonly createdBy: Map<string, string>;

  constructor(
    initial: string[] = [],
    created: Record<string, string> = {},
    private readonly limit = RECENT_UPDATE_IDS,
  ) {
    this.ids = initial.slice(-limit);
    this.set = new Set(this.ids);
    this.createdBy = new Map(Object.entries(created).filter(([id]) => this.set.has(id)));
  }

  has(id: string): boolean {
    return this.set.has(id);
  }

  /** What the Update with this id created, if anything. */
  created(id: string): string | undefined {
    return this.createdBy.get(id);
  }

  add(id: string, created?: string): void {
    if (this.set.has(id)) return;
    this.ids.push(id);
    this.set.add(id);
    if (created) this.createdBy.set(id, created);
    while (this.ids.length > this.limit) {
      const dropped = this.ids.shift() as string;
      this.set.delete(dropped);
      this.createdBy.delete(dropped);
    }
  }

  toArray(): string[] {
    return [...this.ids];
  }

  createdEntries(): Record<string, string> {
    return Object.fromEntries(this.createdBy);
  }
}
