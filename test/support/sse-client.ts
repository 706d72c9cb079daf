/**
 * A minimal SSE decoder for tests (the field rules of the HTML living standard we rely on):
 * blocks end with a blank line; `field: value` (one optional space after the colon); `data`
 * lines join with "\n"; lines starting with ":" are comments.
 */
export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  /** The text of a comment line (`: ping` -> "ping"). */
  comment?: string;
}

export async function* sseFrames(stream: ReadableStream<Uint8Array>): AsyncGenerator<SseFrame> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of stream) {
    buffer += decoder.decode(chunk, { stream: true }).replaceAll("\r\n", "\n");
    let at: number;
    while ((at = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      const frame: SseFrame = {};
      for (const row of block.split("\n")) {
        if (row.startsWith(":")) {
          frame.comment = row.slice(1).trim();
          continue;
        }
        const colon = row.indexOf(":");
        const field = (colon < 0 ? row : row.slice(0, colon)) as keyof SseFrame;
        const value = colon < 0 ? "" : row.slice(colon + 1).replace(/^ /, "");
        frame[field] = field === "data" && frame.data !== undefined ? `${frame.data}\n${value}` : value;
      }
      yield frame;
    }
  }
}
