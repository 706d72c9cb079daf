/**
 * Line-by-line answers from stdin for the prompts of `run` (approvals, questions). One reader for
 * the whole process keeps what it read past a newline, so piped answers ("y\nn\n") are all used.
 */
export class StdinLines {
  private reader: { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void> } | null = null;
  private buffer = "";
  private ended = false;
  private readonly decoder = new TextDecoder();
  private pending: Promise<{ done: boolean; value?: Uint8Array }> | null = null;

  constructor(private readonly open: () => ReadableStream<Uint8Array> = () => Bun.stdin.stream()) {}

  /** The next line without its newline; null at end of input or when `signal` fires first. */
  async next(signal?: AbortSignal): Promise<string | null> {
    for (;;) {
      const nl = this.buffer.indexOf("\n");
      if (nl !== -1) {
        const line = this.buffer.slice(0, nl).replace(/\r$/, "");
        this.buffer = this.buffer.slice(nl + 1);
        return line;
      }
      if (this.ended) {
        if (this.buffer === "") return null;
        const rest = this.buffer;
        this.buffer = "";
        return rest;
      }
      if (signal?.aborted) return null;
      const reader = (this.reader ??= this.open().getReader());
      // A read that outlives an aborted wait is kept for the next call, so no input is lost.
      this.pending ??= reader.read();
      const aborted = new Promise<"aborted">((resolve) => signal?.addEventListener("abort", () => resolve("aborted"), { once: true }));
      const result = await Promise.race([this.pending, aborted]);
      if (result === "aborted") return null;
      this.pending = null;
      if (result.done || !result.value) this.ended = true;
      else this.buffer += this.decoder.decode(result.value, { stream: true });
    }
  }

  /** Let the process exit even while a read is pending. */
  close(): void {
    void this.reader?.cancel().catch(() => undefined);
  }
}

let shared: StdinLines | null = null;
/** The process-wide stdin line reader. */
export function stdinLines(): StdinLines {
  shared ??= new StdinLines();
  return shared;
}
