# syntax=docker/dockerfile:1
#
# One image recipe for all four services (store, order, warehouse, warranty).
# Pick the service with the build argument SERVICE, e.g.
#   docker build --build-arg SERVICE=order -t store-system-order .
# (docker-compose.yml does this for each service.) Every layer before the SERVICE variable is
# the same for all four, so the build is cached and shared between them.

# Node.js 22 LTS (Node 20 left long-term support in April 2026; the code still runs on it).
ARG NODE_IMAGE=node:22-bookworm-slim

# ---- build: all dependencies, compile every service to dist/apps/<service>/main.js ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# ---- runtime: production dependencies and the compiled bundles only ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
    && npm cache clean --force \
    && mkdir -p /app/data \
    && chown node:node /app/data
COPY --from=build /app/dist ./dist

# V8's heap sized for a service (package.json's config.nodeOptions, which `npm start` and
# `npm run bench` use; test/deploy checks they agree): without a limit V8 sizes the heap from
# the host's memory and lets a service grow to ~2× what these settings hold, for no throughput
# (docs/benchmarks.md, rounds three and four). Set here, after npm ci, for the services alone.
ENV NODE_OPTIONS="--max-old-space-size=256 --max-semi-space-size=8"

# Which bundle to start: store | order | warehouse | warranty.
ARG SERVICE=store
ENV SERVICE=${SERVICE}

USER node

# /app/data is where a service keeps its embedded database when DATABASE_URL is unset.
# `exec` replaces the shell with node, so SIGTERM from `docker stop` reaches node directly
# (graceful shutdown: finish in-flight requests, close DB and broker, exit 0).
CMD ["sh", "-c", "exec node \"dist/apps/${SERVICE:?SERVICE must be store, order, warehouse or warranty}/main.js\""]
