/**
 * The call board's live feed: every call, 重呼 and change of the queue is published with PostgreSQL NOTIFY, so every
 * API process (several behind a load balancer) hears every window's calls and passes them on to its server-sent
 * event streams. The LISTEN connection opens with the first stream and closes with the app.
 */
import type { Database } from '../../db/client.ts';

export const BOARD_CHANNEL = 'queue_board';

export interface BoardEvent {
  type: 'call' | 'change';
  number?: string;
  window?: string;
  callCount?: number;
  announcement?: string;
}

type Listener = (event: BoardEvent) => void;

export class BoardEvents {
  private readonly listeners = new Set<Listener>();
  private listening?: Promise<{ unlisten(): Promise<void> } | undefined>;

  constructor(private readonly db: Database) {}

  /** Sends the event to every process's streams (after the transaction that made it has committed). */
  async publish(event: BoardEvent): Promise<void> {
    await this.db.$client`SELECT pg_notify(${BOARD_CHANNEL}, ${JSON.stringify(event)})`;
  }

  async subscribe(listener: Listener): Promise<() => void> {
    this.listeners.add(listener);
    this.listening ??= this.db.$client
      .listen(BOARD_CHANNEL, (payload) => {
        let event: BoardEvent;
        try {
          event = JSON.parse(payload) as BoardEvent;
        } catch {
          return;
        }
        for (const l of this.listeners) l(event);
      })
      .catch(() => {
        this.listening = undefined;
        return undefined;
      });
    await this.listening;
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    const listening = await this.listening;
    this.listeners.clear();
    await listening?.unlisten().catch(() => {});
  }
}
