/**
 * One-time tickets: a random id standing for a value (a file to download, the launch token) that can
 * be redeemed once, within a short time. They let a URL work without the launch token in it, since
 * URLs end up in browser histories, download lists and, for the browser's command line, in the
 * process list of the machine.
 */
import { randomBytes } from 'node:crypto';

export class OneTimeTickets<T> {
  private readonly tickets = new Map<string, { value: T; expires: number }>();

  constructor(
    /** How long a ticket stays valid. */
    readonly lifetimeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A fresh ticket for the value: 128 random bits, URL-safe. */
  issue(value: T): string {
    this.dropExpired();
    const id = randomBytes(16).toString('base64url');
    this.tickets.set(id, { value, expires: this.now() + this.lifetimeMs });
    return id;
  }

  /** The ticket's value, once; undefined when it is unknown, used or expired. */
  redeem(id: string | null | undefined): T | undefined {
    if (!id) return undefined;
    const ticket = this.tickets.get(id);
    this.tickets.delete(id);
    return ticket && ticket.expires > this.now() ? ticket.value : undefined;
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [id, ticket] of this.tickets) if (ticket.expires <= now) this.tickets.delete(id);
  }
}
