// The ZooKeeper client wire surface of @keel/core: the records and their codec (docs/zookeeper-wire.md).
// The request codec's names are taken in core by the Keel request codec (tree/), so they leave
// here with a Zk prefix.
export {
  type DecodedReply,
  type DecodedRequest as DecodedZkRequest,
  decodeConnectRequest,
  decodeConnectResponse,
  decodeReply,
  decodeRequest as decodeZkRequest,
  encodeConnectRequest,
  encodeConnectResponse,
  encodeNotification,
  encodeReply,
  encodeRequest as encodeZkRequest,
  type ZkDecoded,
} from "./codec.js";
export * from "./records.js";
