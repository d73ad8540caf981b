import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small OpenAI-compatible server on loopback, standing in for LM Studio:
 * models list, chat completions (plain and streamed) and embeddings. Every
 * answer carries a marker, so a test can tell it came from here.
 */
export interface ModelServer {
  url: string;
  port: number;
  /** Paths and bodies of the requests received. */
  requests: { path: string; body: unknown }[];
  close(): Promise<void>;
}

export const MODEL_ID = "local-test-model";
export const ANSWER_MARKER = "answer-from-local-test-server";

export async function startModelServer(): Promise<ModelServer> {
  const requests: ModelServer["requests"] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      const path = (req.url ?? "/").replace(/\?.*$/, "");
      requests.push({ path, body });
      route(path, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function route(
  path: string,
  body: Record<string, unknown>,
  res: http.ServerResponse,
): void {
  const created = Math.floor(Date.now() / 1000);
  if (path.endsWith("/models")) {
    return json(res, {
      object: "list",
      data: [{ id: MODEL_ID, object: "model", created, owned_by: "test" }],
    });
  }
  if (path.endsWith("/chat/completions")) {
    const content = `${ANSWER_MARKER}: ${lastUserText(body)}`;
    if (body.stream === true) return stream(res, content, created);
    return json(res, {
      id: "chatcmpl-test",
      object: "chat.completion",
      created,
      model: MODEL_ID,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content },
          finish_reason: "stop",
        },
      ],
      usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
    });
  }
  if (path.endsWith("/embeddings")) {
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    return json(res, {
      object: "list",
      model: MODEL_ID,
      data: inputs.map((_, index) => ({
        object: "embedding",
        index,
        embedding: [0.125, 0.25, 0.5],
      })),
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
  }
  res.writeHead(404, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: { message: `no route ${path}` } }));
}

function lastUserText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const last = messages.at(-1) as { content?: unknown } | undefined;
  return typeof last?.content === "string" ? last.content : "";
}

function json(res: http.ServerResponse, value: unknown): void {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

/** Server-sent events, one word a chunk, then `[DONE]`. */
function stream(res: http.ServerResponse, content: string, created: number) {
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
  });
  const words = content.split(/(?<= )/);
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    `data: ${JSON.stringify({
      id: "chatcmpl-test-stream",
      object: "chat.completion.chunk",
      created,
      model: MODEL_ID,
      choices: [{ index: 0, delta, finish_reason: finish }],
    })}\n\n`;
  res.write(chunk({ role: "assistant", content: "" }, null));
  for (const word of words) res.write(chunk({ content: word }, null));
  res.write(chunk({}, "stop"));
  res.end("data: [DONE]\n\n");
}
