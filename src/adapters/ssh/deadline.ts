// A connect deadline that stops counting while the user is being asked something (accept
// this host key? passphrase? password?): a person reading a fingerprint is not a slow network.

export class PausableDeadline {
  private timer: NodeJS.Timeout | undefined;
  private remaining: number;
  private startedAt = 0;
  private paused = 0;
  private done = false;

  constructor(ms: number, private readonly onExpire: () => void) {
    this.remaining = ms;
    this.arm();
  }

  /** Runs `ask` with the clock stopped. */
  async whilePaused<T>(ask: () => Promise<T>): Promise<T> {
    this.pause();
    try {
      return await ask();
    } finally {
      this.resume();
    }
  }

  clear(): void {
    this.done = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private pause(): void {
    if (this.paused++ > 0 || this.done) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.remaining -= Date.now() - this.startedAt;
  }

  private resume(): void {
    if (--this.paused > 0 || this.done) return;
    this.arm();
  }

  private arm(): void {
    if (this.done) return;
    this.startedAt = Date.now();
    this.timer = setTimeout(() => {
      this.done = true;
      this.onExpire();
    }, Math.max(0, this.remaining));
  }
}
