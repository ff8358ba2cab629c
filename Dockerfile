# The gateway as a container image (docker-compose.cluster.yml builds it). Node 20 on Debian: chdb's engine
# library is built for glibc, and the package carries it even when the gateway talks to a ClickHouse server.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/clickhouse ./clickhouse
COPY --from=build /app/segments ./segments
USER node
EXPOSE 4000
CMD ["node", "dist/main.js"]
