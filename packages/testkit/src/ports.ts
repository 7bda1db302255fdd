import { createServer, type Server } from "node:net";

/**
 * `count` distinct ports the OS reports free on 127.0.0.1 right now. All are bound (to port 0) at
 * once before any is released, so they are distinct without retrying, and parallel test runs
 * never collide.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once("error", reject);
          server.listen(0, "127.0.0.1", () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("freePorts: no port");
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}

/** One free 127.0.0.1 port. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port as number;
}
