#!/usr/bin/env node
// Placeholder entry: the replica process lands with the server issue.
import { createServer } from "node:http";

const portFlag = process.argv.indexOf("--client-port");
const port = portFlag >= 0 ? Number(process.argv[portFlag + 1]) : 8101;
createServer((_request, response) => {
  response.writeHead(200, { "content-type": "application/json" });
  response.end(JSON.stringify({ role: "standalone" }));
}).listen(port, "127.0.0.1");
