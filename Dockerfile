# One image with both binaries: the operator (overlay-ip-controller) and the node agent (overlay-network-agent).
# Build: docker build -t overlay-ip-controller:latest .

FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcurl4-openssl-dev libsqlite3-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN mkdir /out \
 && for product in overlay-ip-controller overlay-network-agent overlay-ipam; do \
      swift build -c release --static-swift-stdlib --product "$product" || exit 1; \
      cp "$(swift build -c release --show-bin-path)/$product" /out/; \
    done

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcurl4 libsqlite3-0 ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/ /usr/local/bin/
# The operator runs as this user; the agent's DaemonSet runs as root with NET_ADMIN only.
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/overlay-ip-controller"]
