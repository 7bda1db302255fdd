// Child process for crash.test.ts: appends deterministic batches to the store in argv[2] forever
// and prints "<batch> <last counter>" after each write() returns (i.e. once it is durable). The
// parent SIGKILLs it mid-stream. Pipes to the parent are synchronous on Linux, so a printed line
// was never reported before its write() returned.
import { openReplicaStore } from "./replica-store.js";
import { batchSize, entries, epochs, nextBatch } from "./test-data.js";

const dir = process.argv[2];
if (dir === undefined) throw new Error("usage: test-crash-child <dir>");
const store = openReplicaStore(dir, { serverId: 1, ensembleId: "crash" });
let counter = Number(store.lastLoggedZxid() & 0xffffffffn);
for (let batch = nextBatch(counter); ; batch++) {
  const size = batchSize(batch);
  store.write({ entries: entries(1, counter + 1, counter + size, 512), ...epochs(1) });
  counter += size;
  process.stdout.write(`${batch} ${counter}\n`);
}
