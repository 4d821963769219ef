# Certificates and kubeconfigs of the one-node cluster (sourced by up.sh): one CA for the
# cluster, one for the front proxy (the aggregation layer metrics-server is reached through).
# shellcheck shell=bash

make_pki() {
  [[ -f "$PKI/.complete" ]] && return 0
  log "generating certificates in $PKI"
  rm -rf "$PKI"; mkdir -p "$PKI"; chmod 700 "$PKI"
  (
    cd "$PKI" || exit 1
    ca() { # name cn
      openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -keyout "$1.key" -out "$1.crt" -subj "/CN=$2" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
    }
    sign() { # ca name subject usage [subjectAltName]
      openssl req -new -newkey rsa:2048 -nodes -keyout "$2.key" -out "$2.csr" -subj "$3" 2>/dev/null
      {
        echo "basicConstraints=CA:FALSE"
        echo "keyUsage=critical,digitalSignature,keyEncipherment"
        echo "extendedKeyUsage=$4"
        [[ -n "${5:-}" ]] && echo "subjectAltName=$5"
      } >"$2.ext"
      openssl x509 -req -in "$2.csr" -CA "$1.crt" -CAkey "$1.key" -CAcreateserial -days 3650 -extfile "$2.ext" -out "$2.crt" 2>/dev/null
      rm -f "$2.csr" "$2.ext"
    }
    ca ca ecommerce-node-ca
    ca front-proxy-ca ecommerce-node-front-proxy-ca
    sign ca apiserver "/CN=kube-apiserver" serverAuth \
      "IP:$NODE_IP,IP:127.0.0.1,IP:$API_SERVICE_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
    sign ca admin "/O=system:masters/CN=ecommerce-node-admin" clientAuth
    sign ca apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
    sign ca controller-manager "/CN=system:kube-controller-manager" clientAuth
    sign ca scheduler "/CN=system:kube-scheduler" clientAuth
    sign ca kube-proxy "/CN=system:kube-proxy" clientAuth
    sign ca kubelet-client "/O=system:nodes/CN=system:node:$NODE_NAME" clientAuth
    sign ca kubelet "/CN=$NODE_NAME" serverAuth "IP:$NODE_IP,DNS:$NODE_NAME"
    # The add-ons that run as host processes (NetworkPolicy, metrics, volumes) share one identity.
    sign ca addons "/O=system:masters/CN=ecommerce-node-addons" clientAuth
    sign ca metrics-server "/CN=metrics-server" serverAuth "IP:$NODE_IP,DNS:metrics-server.kube-system.svc"
    sign front-proxy-ca front-proxy-client "/CN=front-proxy-client" clientAuth
    openssl genrsa -out service-account.key 2048 2>/dev/null
    openssl rsa -in service-account.key -pubout -out service-account.pub 2>/dev/null
    chmod 600 ./*.key
  )
  local who
  for who in admin controller-manager scheduler kube-proxy kubelet-client addons; do
    write_kubeconfig "$PKI/$who.kubeconfig" "$who"
  done
  cp "$PKI/admin.kubeconfig" "$KUBECONFIG_OUT"
  touch "$PKI/.complete"
}

write_kubeconfig() { # file certificate-name
  cat >"$1" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: $CONTEXT
  cluster:
    server: https://$NODE_IP:$API_PORT
    certificate-authority-data: $(base64 -w0 <"$PKI/ca.crt")
users:
- name: $CONTEXT-$2
  user:
    client-certificate-data: $(base64 -w0 <"$PKI/$2.crt")
    client-key-data: $(base64 -w0 <"$PKI/$2.key")
contexts:
- name: $CONTEXT
  context: {cluster: $CONTEXT, user: $CONTEXT-$2}
current-context: $CONTEXT
KUBECONFIG
  chmod 600 "$1"
}
