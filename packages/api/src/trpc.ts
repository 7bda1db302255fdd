/**
 * tRPC initialisation and the error mapping: a core KeelError becomes a TRPCError whose HTTP status
 * fits (NONODE → 404, NODEEXISTS/BADVERSION/NOTEMPTY → 409, ...) and whose `data` keeps the Keel
 * code and ZooKeeper's numeric code, so clients branch on `data.keelCode`, never on messages.
 */
import { KeelError, type KeelErrorCode } from "@keel/core";
import { initTRPC, TRPCError } from "@trpc/server";
import type { Coordinator } from "./coordinator.js";

export interface ApiContext {
  coordinator: Coordinator;
}

type TrpcCode = ConstructorParameters<typeof TRPCError>[0]["code"];

const TRPC_CODE_BY_KEEL_CODE: Partial<Record<KeelErrorCode, TrpcCode>> = {
  NONODE: "NOT_FOUND",
  NODEEXISTS: "CONFLICT",
  BADVERSION: "CONFLICT",
  NOTEMPTY: "CONFLICT",
  NOCHILDRENFOREPHEMERALS: "BAD_REQUEST",
  BADARGUMENTS: "BAD_REQUEST",
  INVALIDACL: "BAD_REQUEST",
  MARSHALLINGERROR: "BAD_REQUEST",
  NOAUTH: "FORBIDDEN",
  AUTHFAILED: "UNAUTHORIZED",
  SESSIONEXPIRED: "UNAUTHORIZED",
  UNKNOWNSESSION: "UNAUTHORIZED",
  NOWATCHER: "NOT_FOUND",
  CONNECTIONLOSS: "SERVICE_UNAVAILABLE",
  OPERATIONTIMEOUT: "TIMEOUT",
  REQUESTTIMEOUT: "TIMEOUT",
  THROTTLEDOP: "TOO_MANY_REQUESTS",
  QUOTAEXCEEDED: "PAYLOAD_TOO_LARGE",
  UNIMPLEMENTED: "METHOD_NOT_SUPPORTED",
};

/** Converts whatever a coordinator call threw into a TRPCError (KeelError keeps its code as cause). */
export function toTrpcError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  if (error instanceof KeelError) {
    return new TRPCError({
      code: TRPC_CODE_BY_KEEL_CODE[error.code] ?? "INTERNAL_SERVER_ERROR",
      message: error.message,
      cause: error,
    });
  }
  return new TRPCError({
    code: "INTERNAL_SERVER_ERROR",
    message: "internal error",
    cause: error instanceof Error ? error : undefined,
  });
}

const t = initTRPC.context<ApiContext>().create({
  errorFormatter({ shape, error }) {
    const keel = error.cause instanceof KeelError ? error.cause : undefined;
    return {
      ...shape,
      data: {
        ...shape.data,
        stack: undefined,
        keelCode: keel?.code ?? null,
        wireCode: keel?.wireCode ?? null,
        path: keel?.path ?? null,
      },
    };
  },
});

export const router = t.router;

/** Every procedure goes through this: coordinator errors become typed TRPCErrors. */
export const procedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  // Only a KeelError needs translating; tRPC's own errors (input validation) pass through as they are.
  if (!result.ok && result.error.cause instanceof KeelError) throw toTrpcError(result.error.cause);
  return result;
});
