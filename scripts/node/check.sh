#!/usr/bin/env bash
# Checks the one-node cluster itself, before any object of ours: in a throw-away namespace
# (node-check), a Deployment of a local image becomes Ready; its Service answers by ClusterIP
# and by DNS name; a default-deny NetworkPolicy blocks and an allow lets through exactly the
# labelled client; a PVC of the default StorageClass binds and keeps data across a pod
# restart; `kubectl top pods` answers and an HPA reads a CPU metric. Prints one line per
# check and "N passed, N failed"; exits non-zero if any failed.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$HERE/lib.sh"
NS=node-check
PROBE="$(bash "$HERE/images.sh" list | awk '$1 == "probe" {print $2}')"
bash "$HERE/images.sh" load probe 2>/dev/null || die "the probe image is not built (scripts/node/images.sh build probe)"
passed=0 failed=0
check() { # description command...
  local what="$1" start=$SECONDS; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $what ($((SECONDS - start)) s)"
  else failed=$((failed + 1)); echo "FAIL $what ($((SECONDS - start)) s)"; fi
}
until_ok() { # seconds command...: retries every 2 s
  local end=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do ((SECONDS < end)) || return 1; sleep 2; done
}
in_pod() { kc -n "$NS" exec "$1" -- "${@:2}"; }
# A request that must fail: refused or timed out within 5 s.
blocked() { ! in_pod "$1" wget -q -T 5 -t 1 -O /dev/null "$2" 2>/dev/null; }

kc delete namespace "$NS" --ignore-not-found --wait=true >/dev/null
kc create namespace "$NS" >/dev/null
kc -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: $PROBE
          imagePullPolicy: IfNotPresent
          command: [sh, -c, "mkdir -p /tmp/www && echo node-check > /tmp/www/index.html && exec busybox httpd -f -p 8080 -h /tmp/www"]
          ports: [{containerPort: 8080}]
          readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}
          resources: {requests: {cpu: 50m, memory: 32Mi}, limits: {cpu: 200m, memory: 64Mi}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, labels: {role: client}}
spec:
  terminationGracePeriodSeconds: 0
  containers: [{name: client, image: $PROBE, imagePullPolicy: IfNotPresent}]
---
apiVersion: v1
kind: Pod
metadata: {name: stranger}
spec:
  terminationGracePeriodSeconds: 0
  containers: [{name: stranger, image: $PROBE, imagePullPolicy: IfNotPresent}]
YAML

check "Deployment of a local image Ready" kc -n "$NS" rollout status deployment/web --timeout=120s >/dev/null
kc -n "$NS" wait --for=condition=Ready pod/client pod/stranger --timeout=120s >/dev/null
ip="$(kc -n "$NS" get service web -o jsonpath='{.spec.clusterIP}')"
check "Service answers by ClusterIP $ip" until_ok 30 in_pod client wget -q -T 5 -O /dev/null "http://$ip/"
check "Service answers by DNS name web.$NS.svc.cluster.local" until_ok 30 in_pod client wget -q -T 5 -O /dev/null "http://web.$NS.svc.cluster.local/"
check "DNS resolves kubernetes.default" until_ok 30 in_pod client getent hosts kubernetes.default.svc.cluster.local

kc -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny}
spec: {podSelector: {}, policyTypes: [Ingress]}
YAML
check "default-deny NetworkPolicy blocks the client" until_ok 30 blocked client "http://web.$NS.svc.cluster.local/"
kc -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-client}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {role: client}}}], ports: [{port: 8080}]}]
YAML
check "allow NetworkPolicy lets the labelled client through" until_ok 30 in_pod client wget -q -T 5 -O /dev/null "http://web.$NS.svc.cluster.local/"
check "allow NetworkPolicy still blocks the unlabelled pod" blocked stranger "http://web.$NS.svc.cluster.local/"

volume_pod() { # name command
  cat <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  restartPolicy: Never
  containers: [{name: c, image: $PROBE, imagePullPolicy: IfNotPresent, command: [sh, -c, "$2"], volumeMounts: [{name: data, mountPath: /data}]}]
  securityContext: {fsGroup: 65534}
  volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
YAML
}
kc -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 64Mi}}}
YAML
volume_pod writer "echo kept-$$ > /data/proof" | kc -n "$NS" apply -f - >/dev/null
pod_done() { [[ "$(kc -n "$NS" get pod "$1" -o jsonpath='{.status.phase}')" == Succeeded ]]; }
check "PVC binds on the default StorageClass and a pod writes to it" until_ok 120 pod_done writer
kc -n "$NS" delete pod writer --wait=true >/dev/null
volume_pod reader "cat /data/proof" | kc -n "$NS" apply -f - >/dev/null
kept() { pod_done reader && [[ "$(kc -n "$NS" logs reader)" == "kept-$$" ]]; }
check "the data is still there for the next pod" until_ok 120 kept

kc -n "$NS" autoscale deployment web --cpu=70% --min=1 --max=2 >/dev/null
check "kubectl top pods answers" until_ok 150 kc -n "$NS" top pods
hpa_reads() { kc -n "$NS" get hpa web -o jsonpath='{.status.currentMetrics[0].resource.current.averageUtilization}' | grep -qE '^[0-9]+$'; }
check "the HPA reads a CPU metric" until_ok 150 hpa_reads

kc delete namespace "$NS" --wait=false >/dev/null
echo "node check: $passed passed, $failed failed"
((failed == 0))
