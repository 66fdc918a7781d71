# One image with both binaries: the operator (overlay-ip-controller) and the node agent (overlay-network-agent),
# plus the overlay-ipam CLI. Build: docker build -t overlay-ip-controller:latest .
# The binaries come from `make release` (static Swift stdlib, stripped, checked against the runtime packages).

FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends make binutils libcurl4-openssl-dev libsqlite3-dev libyaml-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN make release RELEASE_DIR=/out && make -s runtime-packages > /out/runtime-packages

FROM debian:bookworm-slim
COPY --from=build /out/runtime-packages /tmp/runtime-packages
RUN apt-get update \
 && apt-get install -y --no-install-recommends $(cat /tmp/runtime-packages) \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages
COPY --from=build /out/overlay-ip-controller /out/overlay-network-agent /out/overlay-ipam /usr/local/bin/
# The operator runs as this user; the agent's DaemonSet runs as root with NET_ADMIN only.
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/overlay-ip-controller"]
