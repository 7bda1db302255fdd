/**
 * `client.members` without a server: each wrapper must run its procedure as the right kind of call
 * (list a read, add and remove writes, so a change whose outcome is unknown is never repeated),
 * send exactly the API's input (optional fields left out, not sent as undefined), pass the call's
 * signal and options through, and answer what the procedure answered. A fake `call` plays
 * KeelClient.call and a fake router records what reached it. Real-ensemble tests are the server's.
 */
import { describe, expect, it } from "vitest";
import type { CallOptions } from "./client.js";
import { MembersApi, type MembersCall, type MembersView } from "./index.js";
import type { KeelTrpc } from "./transport.js";

const VIEW: MembersView = {
  version: "4294967301",
  members: [
    { id: 1, role: "voter", host: "10.0.0.1", peerPort: 7001, clientPort: 7201 },
    { id: 4, role: "observer", host: "10.0.0.4", peerPort: 7004, clientPort: 7204 },
  ],
};

interface Recorded {
  kind: "read" | "write";
  procedure: string;
  input: unknown;
  signalPassed: boolean;
  options: CallOptions;
}

/** A MembersApi whose calls land in `calls`; every procedure answers VIEW. */
function recordingApi(): { api: MembersApi; calls: Recorded[] } {
  const calls: Recorded[] = [];
  const signal = new AbortController().signal;
  const call: MembersCall = (kind, invoke, options) => {
    const answer = (procedure: string) => (input: unknown, opts: { signal?: AbortSignal }) => {
      calls.push({ kind, procedure, input, signalPassed: opts.signal === signal, options });
      return Promise.resolve(VIEW);
    };
    const trpc = {
      members: {
        list: { query: answer("members.list") },
        add: { mutate: answer("members.add") },
        remove: { mutate: answer("members.remove") },
      },
    } as unknown as KeelTrpc;
    return invoke(trpc, signal);
  };
  return { api: new MembersApi(call), calls };
}

describe("MembersApi", () => {
  const options = { timeoutMs: 1234 };
  it.each([
    {
      name: "list is a read with no input",
      run: (api: MembersApi) => api.list(options),
      expected: { kind: "read", procedure: "members.list", input: undefined },
    },
    {
      name: "add sends the member; role and fromVersion only when given",
      run: (api: MembersApi) => api.add({ id: 5, host: "h5", peerPort: 7005, clientPort: 7205 }, options),
      expected: {
        kind: "write",
        procedure: "members.add",
        input: { id: 5, host: "h5", peerPort: 7005, clientPort: 7205 },
      },
    },
    {
      name: "add with a role and the version it expects",
      run: (api: MembersApi) =>
        api.add(
          { id: 6, role: "observer", host: "::1", peerPort: 7006, clientPort: 7206, fromVersion: "4294967301" },
          options,
        ),
      expected: {
        kind: "write",
        procedure: "members.add",
        input: { id: 6, role: "observer", host: "::1", peerPort: 7006, clientPort: 7206, fromVersion: "4294967301" },
      },
    },
    {
      name: "remove sends the id",
      run: (api: MembersApi) => api.remove(2, options),
      expected: { kind: "write", procedure: "members.remove", input: { id: 2 } },
    },
    {
      name: "remove with the version it expects",
      run: (api: MembersApi) => api.remove(2, { ...options, fromVersion: "0" }),
      expected: { kind: "write", procedure: "members.remove", input: { id: 2, fromVersion: "0" } },
    },
  ])("$name", async ({ run, expected }) => {
    const { api, calls } = recordingApi();
    expect(await run(api)).toEqual(VIEW);
    expect(calls).toHaveLength(1);
    const [recorded] = calls as [Recorded];
    expect({ kind: recorded.kind, procedure: recorded.procedure, input: recorded.input }).toEqual(expected);
    // toEqual treats an undefined property as absent: the wire must not carry one
    if (typeof recorded.input === "object" && recorded.input !== null)
      expect(Object.values(recorded.input)).not.toContain(undefined);
    expect(recorded.signalPassed).toBe(true);
    expect(recorded.options.timeoutMs).toBe(1234);
  });

  it("passes a refusal through as the call reported it", async () => {
    const refusal = new Error("RECONFIGINPROGRESS: another change is under way");
    const api = new MembersApi(() => Promise.reject(refusal));
    await expect(api.remove(3)).rejects.toBe(refusal);
  });
});
