/**
 * The operator endpoints on the client port: /health, /ready, /metrics, /status (srvr), /ruok and
 * /mntr. The integrator mounts handleOpsRequest in front of tRPC; it answers its own paths and
 * returns false for everything else, so the two never fight over a route.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { healthBody, mntrText, readiness, ruokText, type StatusSource, srvrText } from "./health.js";

export interface OpsDeps {
  readonly status: StatusSource;
  readonly registry: Registry;
  readonly logger: Logger;
}

export const opsPaths = ["/health", "/ready", "/metrics", "/status", "/ruok", "/mntr"] as const;
type OpsPath = (typeof opsPaths)[number];

const textType = "text/plain; charset=utf-8";
const jsonType = "application/json; charset=utf-8";

/** Returns true when it took the request (and will answer it), false when the path is not an ops path. */
export function handleOpsRequest(req: IncomingMessage, res: ServerResponse, deps: OpsDeps): boolean {
  const path = pathOf(req.url);
  if (!isOpsPath(path)) return false;
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD", "content-type": textType });
    res.end("method not allowed\n");
    return true;
  }
  try {
    serve(path, res, deps);
  } catch (error) {
    // A failing status source must not take the server down; the endpoint reports it instead.
    deps.logger.error({ err: error, path }, "ops endpoint failed");
    if (!res.headersSent) res.writeHead(500, { "content-type": textType });
    res.end("internal error\n");
  }
  return true;
}

function serve(path: OpsPath, res: ServerResponse, deps: OpsDeps): void {
  switch (path) {
    case "/health":
      sendJson(res, 200, healthBody(deps.status.status()));
      return;
    case "/ready": {
      const body = readiness(deps.status.status());
      sendJson(res, body.ready ? 200 : 503, body);
      return;
    }
    case "/metrics":
      deps.registry.metrics().then(
        (text) => send(res, 200, deps.registry.contentType, text),
        (error: unknown) => {
          deps.logger.error({ err: error }, "collecting metrics failed");
          send(res, 500, textType, "metrics collection failed\n");
        },
      );
      return;
    case "/status":
      send(res, 200, textType, srvrText(deps.status.status()));
      return;
    case "/ruok":
      send(res, 200, textType, `${ruokText()}\n`);
      return;
    case "/mntr":
      send(res, 200, textType, mntrText(deps.status.status()));
      return;
    default:
      unreachable(path);
  }
}

function pathOf(url: string | undefined): string {
  const raw = url ?? "/";
  const query = raw.indexOf("?");
  const path = query < 0 ? raw : raw.slice(0, query);
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

function isOpsPath(path: string): path is OpsPath {
  return (opsPaths as readonly string[]).includes(path);
}

function sendJson(res: ServerResponse, statusCode: number, body: unknown): void {
  send(res, statusCode, jsonType, `${JSON.stringify(body)}\n`);
}

function send(res: ServerResponse, statusCode: number, contentType: string, body: string): void {
  res.writeHead(statusCode, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  // HEAD gets the headers only; Node drops a body on HEAD responses itself.
  res.end(body);
}

function unreachable(value: never): never {
  throw new Error(`unreachable: ${String(value)}`);
}
