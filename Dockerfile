# keel-server's container image (docs/operations.md, "Kubernetes"; deploy/README.md).
# Build from the repository root: docker build -t keel-server .

# ---- build: install everything, compile the server and its workspace deps, then prune ----
FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles from source on install (README.md, "Requirements").
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
# The version package.json's packageManager names; the base image ships an older npm.
RUN npm install --global npm@11.19.1
WORKDIR /src
COPY . .
RUN npm ci --no-audit --no-fund
RUN npx turbo run build --filter=@keel/server...
# turbo prune writes a package-lock.json naming only @keel/server and its workspace deps, so the
# production install below leaves out the console, the CLI, the benchmarks and every dev tool.
RUN npx turbo prune @keel/server --docker --out-dir /prune
RUN find packages/*/dist apps/server/dist \( -name "*.map" -o -name "*.d.ts" \) -delete
WORKDIR /prune/json
RUN npm ci --omit=dev --no-audit --no-fund

# ---- runtime: production deps and compiled JavaScript only ----
FROM node:20-bookworm-slim
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
# A container listening on loopback is unreachable, so the image binds every port to all
# addresses; the data dir is the volume below. Flags given to the container override these.
ENV KEEL_DATA_DIR=/var/lib/keel/data KEEL_CLIENT_HOST=0.0.0.0 KEEL_PEER_HOST=0.0.0.0
# A fixed uid/gid, so Kubernetes' runAsUser/fsGroup and a host-mounted data dir can name it.
RUN groupadd --system --gid 10001 keel \
  && useradd --system --uid 10001 --gid keel --home-dir /var/lib/keel --shell /usr/sbin/nologin keel \
  && mkdir -p /var/lib/keel/data \
  && chown -R keel:keel /var/lib/keel
WORKDIR /app
COPY --from=build /prune/json/ ./
COPY --from=build /src/packages/core/dist/ packages/core/dist/
COPY --from=build /src/packages/api/dist/ packages/api/dist/
COPY --from=build /src/packages/db/dist/ packages/db/dist/
# The store applies these drizzle migrations when it opens (packages/db/src/connection.ts).
COPY --from=build /src/packages/db/migrations/ packages/db/migrations/
COPY --from=build /src/apps/server/dist/ apps/server/dist/
COPY deploy/docker/entrypoint.sh /usr/local/bin/keel-entrypoint
USER 10001:10001
VOLUME /var/lib/keel
# client (HTTP, WebSocket, /health, /metrics), peer (replication), ZooKeeper wire protocol
EXPOSE 8001 7001 2181
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=6 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.KEEL_CLIENT_PORT ?? '8001') + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/keel-entrypoint"]
