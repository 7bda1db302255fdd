/**
 * The register workload's sequential specification, one register per key: the state is the znode's
 * data and data version. `write` sets the value and bumps the version; `cas` does so only when the
 * version equals its `expectedVersion`; `read` observes both. Values are interned to small integers
 * so the search compares and hashes states without touching strings.
 */
import type { Operation, RegisterOp } from "../history.js";
import type { SearchModel } from "./linearizability-search.js";

export interface RegisterState {
  readonly value: string;
  readonly version: number;
}

/** The harness creates every key's znode with empty data before the run. */
export const initialRegisterState: RegisterState = { value: "", version: 0 };

/** The search's state: `valueId` indexes the model's value table. */
export interface InternedRegisterState {
  readonly valueId: number;
  readonly version: number;
}

const absent = -1;

export interface RegisterModel extends SearchModel<InternedRegisterState> {
  toRegisterState(state: InternedRegisterState): RegisterState;
}

/** Builds the model over `operations` (one key's), addressed by their index in that array. */
export function createRegisterModel(operations: readonly Operation<RegisterOp>[]): RegisterModel {
  const values: string[] = [initialRegisterState.value];
  const valueIds = new Map<string, number>([[initialRegisterState.value, 0]]);
  const intern = (value: string | undefined): number => {
    if (value === undefined) return absent;
    let id = valueIds.get(value);
    if (id === undefined) {
      id = values.length;
      values.push(value);
      valueIds.set(value, id);
    }
    return id;
  };
  const kinds = operations.map((operation) => operation.op.f);
  const valueId = Int32Array.from(operations, (operation) => intern(operation.op.value));
  // Only a response can report a version: an unknown outcome has none to check.
  const reportedVersion = Int32Array.from(operations, ({ op, outcome }) =>
    outcome === "ok" ? (op.version ?? absent) : absent,
  );
  const expectedVersion = Int32Array.from(operations, ({ op }) => (op.f === "cas" ? op.expectedVersion : absent));

  const step = (state: InternedRegisterState, index: number): InternedRegisterState | undefined => {
    const reported = reportedVersion[index] ?? absent;
    switch (kinds[index]) {
      case "read": {
        const observed = valueId[index] ?? absent;
        if (observed !== absent && observed !== state.valueId) return undefined;
        if (reported !== absent && reported !== state.version) return undefined;
        return state;
      }
      case "cas":
        if (state.version !== expectedVersion[index]) return undefined;
        return applyWrite(state, valueId[index] ?? absent, reported);
      case "write":
        return applyWrite(state, valueId[index] ?? absent, reported);
      default:
        throw new Error(`unknown register operation ${String(kinds[index])} at index ${index}`);
    }
  };

  // The version each operation must see: versions only grow, so a state already past it is final.
  const versionSeen = Int32Array.from(operations, ({ op }, index) => {
    const reported = reportedVersion[index] ?? absent;
    if (op.f === "read") return reported;
    if (op.f === "cas") return op.expectedVersion;
    return reported === absent ? absent : reported - 1;
  });

  return {
    initial: { valueId: 0, version: initialRegisterState.version },
    step,
    hash: (state) => (Math.imul(state.valueId, 0x01000193) ^ state.version) | 0,
    equal: (a, b) => a.valueId === b.valueId && a.version === b.version,
    viable: (state, index) => {
      const seen = versionSeen[index] ?? absent;
      return seen === absent || state.version <= seen;
    },
    toRegisterState: (state) => ({ value: values[state.valueId] ?? "", version: state.version }),
  };
}

/** A write's new version is the old plus one; an ok response that reports another version is a lie. */
function applyWrite(
  state: InternedRegisterState,
  valueId: number,
  reported: number,
): InternedRegisterState | undefined {
  const version = state.version + 1;
  if (reported !== absent && reported !== version) return undefined;
  return { valueId, version };
}
