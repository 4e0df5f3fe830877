/** The catalogue changes rarely and is read by every submission: keep it in memory for a short while. */
import type { Database } from '../db/client.ts';
import { fetchCatalogue } from '../db/catalogue.ts';
import type { Catalogue } from '../rules/catalogue.ts';

export class CatalogueCache {
  private cached?: { at: number; value: Promise<Catalogue> };

  constructor(
    private readonly db: Database,
    private readonly ttlMs: number,
  ) {}

  /** After an admin changed the catalogue: the next read fetches it again. */
  invalidate(): void {
    this.cached = undefined;
  }

  get(): Promise<Catalogue> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > this.ttlMs) {
      const value = fetchCatalogue(this.db);
      this.cached = { at: now, value };
      value.catch(() => (this.cached = undefined));
    }
    return this.cached.value;
  }
}
