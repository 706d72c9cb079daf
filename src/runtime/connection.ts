/**
 * One request per connection, server side (spec 8.4): read until the client half-closes, then
 * answer once and close. A read that waits longer than `recvTimeoutMs` drops the connection
 * silently (a client that connects and never sends holds nobody up); a request over `maxBytes` is
 * answered at once with `tooLarge` and the rest of it is read and discarded, so the client sees
 * the answer instead of a reset.
 */
import type { Socket } from "node:net";

export interface ConnectionOptions {
  maxBytes: number;
  recvTimeoutMs: number;
  /** The answer to a request over `maxBytes`. */
  tooLarge: () => string;
  /** Answers a complete request; `signal` aborts when the connection closes. */
  answer: (request: Buffer, signal: AbortSignal) => Promise<string>;
}

export function serveConnection(socket: Socket, options: ConnectionOptions): void {
  let chunks: Buffer[] = [];
  let size = 0;
  let answered = false;
  let idle: ReturnType<typeof setTimeout> | undefined;
  const controller = new AbortController();
  const armIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(() => socket.destroy(), options.recvTimeoutMs);
  };
  armIdle();
  socket.on("data", (chunk: Buffer) => {
    armIdle();
    size += chunk.length;
    if (answered) {
      if (size > options.maxBytes * 16) socket.destroy(); // a flood after the answer: stop reading it
      return;
    }
    if (size > options.maxBytes) {
      answered = true;
      chunks = [];
      socket.write(options.tooLarge());
      return;
    }
    chunks.push(chunk);
  });
  socket.on("end", () => {
    clearTimeout(idle);
    if (answered) return void socket.end();
    answered = true;
    void options.answer(Buffer.concat(chunks), controller.signal).then((text) => {
      if (!socket.destroyed) socket.end(text);
    });
  });
  socket.on("error", () => {});
  socket.on("close", () => {
    clearTimeout(idle);
    controller.abort();
  });
}
