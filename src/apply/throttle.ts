/**
 * A per-account pace keeper for maxMessagesPerSecond / maxBytesPerSecond: callers `await
 * take(messages, bytes)` before sending; it waits as long as the budget since start requires.
 */
export class Throttle {
  private readonly started = Date.now();
  private messages = 0;
  private bytes = 0;

  constructor(private readonly limits: { messagesPerSecond: number | null; bytesPerSecond: number | null }) {}

  async take(messages: number, bytes: number): Promise<void> {
    this.messages += messages;
    this.bytes += bytes;
    const byMessages = this.limits.messagesPerSecond ? (this.messages / this.limits.messagesPerSecond) * 1000 : 0;
    const byBytes = this.limits.bytesPerSecond ? (this.bytes / this.limits.bytesPerSecond) * 1000 : 0;
    const wait = this.started + Math.max(byMessages, byBytes) - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
