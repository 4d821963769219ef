#!/usr/bin/env bash
# Brings up a one-node Kubernetes cluster on this machine, modelled on the local-up-cluster
# script of Kubernetes' own repository: etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
# containerd with Debian's CNI plugins, kubelet, kube-proxy, CoreDNS (a pod), metrics-server,
# kube-router (NetworkPolicy only) and local-path-provisioner (the default StorageClass).
# All state lives under $NODE_STATE (default ~/.cache/ecommerce-node/state); pod and Service
# ranges are kubeadm's (10.244.0.0/16, 10.96.0.0/12) on a bridge of this machine only.
# Prints the kubeconfig's path on its last line; its context is "ecommerce-node".
# Running it again while the node runs changes nothing. Stop with down.sh.
# Needs: build-kube.sh, build-addons.sh and images.sh build (README, "A cluster on this machine").
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$HERE/lib.sh"
# shellcheck source=pki.sh source-path=SCRIPTDIR
source "$HERE/pki.sh"

[[ $EUID -eq 0 ]] || die "the node needs root (containerd, iptables, mounts)"
[[ -n "$NODE_IP" ]] || die "no default route: cannot tell this machine's address (set NODE_IP)"
for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl coredns metrics-server kube-router local-path-provisioner; do
  [[ -x "$BIN/$b" ]] || die "$BIN/$b missing: run scripts/node/build-kube.sh and scripts/node/build-addons.sh"
done
for c in containerd ctr iptables ipset conntrack openssl; do
  command -v "$c" >/dev/null || die "$c is not installed (apt-get install containerd iptables ipset conntrack openssl)"
done
[[ -x /usr/lib/cni/bridge ]] || die "no CNI plugins in /usr/lib/cni (apt-get install containernetworking-plugins)"

mkdir -p "$STATE" "$LOGS" "$PIDS"
chmod 700 "$STATE"
started=$(date +%s)

# --- host settings, recorded once so down.sh can put them back -------------------------------
if [[ ! -f "$STATE/host-before.env" ]]; then
  {
    for s in "${HOST_SYSCTLS[@]}"; do echo "$s=$(sysctl -n "$s")"; done
    for d in /var/lib/kubelet /var/log/containers /var/log/pods; do [[ -e "$d" ]] && echo "existed=$d"; done
    true
  } >"$STATE/host-before.env"
fi
sysctl -qw net.ipv4.ip_forward=1
modprobe br_netfilter 2>/dev/null || true
[[ "$(cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null)" == 1 ]] ||
  die "bridged traffic bypasses iptables (net.bridge.bridge-nf-call-iptables is not 1): NetworkPolicy could not be enforced"

make_pki

# --- control plane ------------------------------------------------------------------------------
launch etcd "$BIN/etcd" --name "$NODE_NAME" --data-dir "$STATE/etcd" \
  --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
  --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
  --initial-cluster "$NODE_NAME=http://127.0.0.1:2380" --listen-metrics-urls http://127.0.0.1:2381 \
  --quota-backend-bytes 4294967296 --log-level warn
wait_for etcd 60 curl -fsS http://127.0.0.1:2381/health || die "etcd did not start (see $LOGS/etcd.log)"

launch kube-apiserver "$BIN/kube-apiserver" \
  --bind-address="$NODE_IP" --advertise-address="$NODE_IP" --secure-port="$API_PORT" \
  --etcd-servers=http://127.0.0.1:2379 \
  --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --client-ca-file="$PKI/ca.crt" \
  --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority="$PKI/ca.crt" --kubelet-preferred-address-types=InternalIP,Hostname \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$PKI/service-account.pub" --service-account-signing-key-file="$PKI/service-account.key" \
  --service-cluster-ip-range="$SERVICE_CIDR" \
  --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction --allow-privileged=true \
  --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
  --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
  --requestheader-extra-headers-prefix=X-Remote-Extra- \
  --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key" \
  --enable-aggregator-routing=true --cert-dir="$STATE/apiserver" --v=1
wait_for kube-apiserver 180 kc get --raw /readyz || die "kube-apiserver did not become ready (see $LOGS/kube-apiserver.log)"

launch kube-controller-manager "$BIN/kube-controller-manager" \
  --kubeconfig="$PKI/controller-manager.kubeconfig" \
  --authentication-kubeconfig="$PKI/controller-manager.kubeconfig" --authorization-kubeconfig="$PKI/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port=10257 --leader-elect=false --use-service-account-credentials=true \
  --root-ca-file="$PKI/ca.crt" --service-account-private-key-file="$PKI/service-account.key" \
  --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
  --service-cluster-ip-range="$SERVICE_CIDR" --allocate-node-cidrs=true --cluster-cidr="$POD_CIDR" \
  --node-cidr-mask-size=24 --horizontal-pod-autoscaler-sync-period=15s --cert-dir="$STATE/controller-manager" --v=1
launch kube-scheduler "$BIN/kube-scheduler" \
  --kubeconfig="$PKI/scheduler.kubeconfig" \
  --authentication-kubeconfig="$PKI/scheduler.kubeconfig" --authorization-kubeconfig="$PKI/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port=10259 --leader-elect=false --v=1

# --- the node: containerd, CNI, kubelet, kube-proxy ------------------------------------------------
mkdir -p "$STATE/containerd" "$STATE/cni/net.d" "$STATE/cni/networks" "$STATE/kubelet" "$STATE/pod-logs"
cat >"$STATE/containerd/config.toml" <<TOML
version = 2
root = "$STATE/containerd/root"
state = "$STATE/containerd/state"
[grpc]
  address = "$CONTAINERD_SOCK"
[plugins."io.containerd.internal.v1.opt"]
  path = "$STATE/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # Without CAP_SYS_RESOURCE runc cannot lower oom_score_adj below the runtime's own.
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE/cni/net.d"
TOML
cat >"$STATE/cni/net.d/10-ecommerce-node.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "ecommerce-node",
  "plugins": [
    { "type": "bridge", "bridge": "ecnode0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
      "ipam": { "type": "host-local", "ranges": [[{ "subnet": "$NODE_POD_CIDR" }]], "routes": [{ "dst": "0.0.0.0/0" }],
                "dataDir": "$STATE/cni/networks" } },
    { "type": "portmap", "capabilities": { "portMappings": true } },
    { "type": "firewall" }
  ]
}
JSON
launch containerd /usr/bin/containerd --config "$STATE/containerd/config.toml"
wait_for containerd 60 ctr --address "$CONTAINERD_SOCK" version || die "containerd did not start (see $LOGS/containerd.log)"
"$HERE/images.sh" load pause coredns debian

cat >"$STATE/kubelet/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $PKI/kubelet.crt
tlsPrivateKeyFile: $PKI/kubelet.key
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
protectKernelDefaults: false
clusterDNS: [$DNS_SERVICE_IP]
clusterDomain: cluster.local
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
imageServiceEndpoint: unix://$CONTAINERD_SOCK
podLogsDir: $STATE/pod-logs
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
serializeImagePulls: false
resolvConf: /etc/resolv.conf
evictionHard: {memory.available: 500Mi, nodefs.available: 5%, imagefs.available: 5%}
# No image garbage collection: nothing here can be pulled again, and a shared disk's usage
# can pass the default 85% for reasons that are not the node's (builds, caches).
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
YAML
launch kubelet "$BIN/kubelet" --config="$STATE/kubelet/config.yaml" --kubeconfig="$PKI/kubelet-client.kubeconfig" \
  --hostname-override="$NODE_NAME" --node-ip="$NODE_IP" --root-dir="$STATE/kubelet" --cert-dir="$STATE/kubelet/pki" --v=1
node_ready() { [[ "$(kc get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" == True ]]; }
wait_for "node $NODE_NAME" 120 node_ready || die "the node did not become Ready (see $LOGS/kubelet.log)"

cat >"$STATE/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $PKI/kube-proxy.kubeconfig}
mode: iptables
clusterCIDR: $POD_CIDR
hostnameOverride: $NODE_NAME
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
iptables: {localhostNodePorts: false}
# 0: leave the host's conntrack sysctls as they are.
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
YAML
# A pod's packet to a ClusterIP that kube-proxy has not DNATed (a Service created a moment
# ago, or one without endpoints) would leave the node by the default route, and this
# machine's network answers HTTP for any address: cloud-config, started before
# service-discovery's Service was programmed, kept a keep-alive connection to that answer
# and was told 404 on every Eureka registration, for good. kube-proxy's own REJECT for
# Services without endpoints sits in filter FORWARD behind kube-router's chain, which
# accepts a pod's allowed traffic first, so it never applies here. A routing rule does, as
# routing comes after the DNAT: what still goes to the service range from the pod bridge is
# unreachable, and the client hears so at once (EHOSTUNREACH) and retries.
ip rule show | grep -q "lookup $UNPROGRAMMED_TABLE" || ip rule add iif ecnode0 to "$SERVICE_CIDR" lookup "$UNPROGRAMMED_TABLE" priority "$UNPROGRAMMED_TABLE"
ip route replace unreachable "$SERVICE_CIDR" table "$UNPROGRAMMED_TABLE"
launch kube-proxy "$BIN/kube-proxy" --config="$STATE/kube-proxy.yaml" --v=1
wait_for kube-proxy 60 curl -fsS http://127.0.0.1:10256/healthz || die "kube-proxy did not start (see $LOGS/kube-proxy.log)"

# --- add-ons ----------------------------------------------------------------------------------------
launch kube-router "$BIN/kube-router" --kubeconfig="$PKI/addons.kubeconfig" --hostname-override="$NODE_NAME" \
  --run-firewall=true --run-router=false --run-service-proxy=false --enable-ipv6=false \
  --health-port=20244 --metrics-port=0 -v=1
wait_for kube-router 60 curl -fsS http://127.0.0.1:20244/healthz || die "kube-router did not start (see $LOGS/kube-router.log)"

launch metrics-server "$BIN/metrics-server" --kubeconfig="$PKI/addons.kubeconfig" \
  --authentication-kubeconfig="$PKI/addons.kubeconfig" --authorization-kubeconfig="$PKI/addons.kubeconfig" \
  --bind-address="$NODE_IP" --secure-port=4443 --tls-cert-file="$PKI/metrics-server.crt" --tls-private-key-file="$PKI/metrics-server.key" \
  --kubelet-preferred-address-types=InternalIP --kubelet-certificate-authority="$PKI/ca.crt" \
  --metric-resolution=15s --v=1

mkdir -p "$STATE/volumes"
sed -e "s|@NODE_IP@|$NODE_IP|g" -e "s|@DNS_SERVICE_IP@|$DNS_SERVICE_IP|g" -e "s|@COREDNS_IMAGE@|$COREDNS_IMAGE|g" \
  -e "s|@BASE_IMAGE@|$BASE_IMAGE|g" -e "s|@VOLUMES@|$STATE/volumes|g" -e "s|@CA_BUNDLE@|$(base64 -w0 <"$PKI/ca.crt")|g" \
  "$HERE/manifests/addons.yaml" | kc apply -f - >/dev/null
launch local-path-provisioner "$BIN/local-path-provisioner" --debug start --kubeconfig "$PKI/addons.kubeconfig" \
  --namespace kube-system --configmap-name local-path-config --provisioner-name rancher.io/local-path \
  --helper-image "$BASE_IMAGE" --service-account-name default
kc -n kube-system rollout status deployment/coredns --timeout=180s >/dev/null || die "CoreDNS did not become ready"
metrics_ready() { kc get --raw /apis/metrics.k8s.io/v1beta1/nodes >/dev/null; }
wait_for "metrics API" 120 metrics_ready || die "the metrics API did not answer (see $LOGS/metrics-server.log)"

log "node up in $(( $(date +%s) - started )) s; export KUBECONFIG=$KUBECONFIG_OUT (context $CONTEXT)"
echo "$KUBECONFIG_OUT"
