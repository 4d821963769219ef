/**
 * Kubernetes NetworkPolicy semantics, evaluated over declared objects: may a pod of one group
 * open a TCP connection to a pod of another on a port? Written from the API's documented
 * rules, independently of how the program generates its policies.
 */
import type { KubeObject } from "../offline/manifests";
import { podTemplate } from "./support";

export interface Pod {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Readonly<Record<string, string>>;
}

/** What stands for "an address outside the cluster's pods". */
export const EXTERNAL: Pod = { name: "external", namespace: "", labels: {} };

/** The cluster DNS as kubeadm, kind and the managed clusters run it: CoreDNS in kube-system. */
export const KUBE_DNS: Pod = { name: "coredns", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } };

/** Any other pod of the cluster, in a namespace of its own. */
export const STRANGER: Pod = { name: "stranger", namespace: "elsewhere", labels: { "app.kubernetes.io/name": "stranger" } };

interface Selector {
    matchLabels?: Record<string, string>;
}
interface PolicyPeer {
    podSelector?: Selector;
    namespaceSelector?: Selector;
    ipBlock?: { cidr: string };
}
interface PolicyRule {
    from?: PolicyPeer[];
    to?: PolicyPeer[];
    ports?: { port?: number; protocol?: string }[];
}
interface PolicySpec {
    podSelector: Selector;
    policyTypes: string[];
    ingress?: PolicyRule[];
    egress?: PolicyRule[];
}

const matches = (selector: Selector | undefined, labels: Readonly<Record<string, string>>) =>
    Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

export function podsOf(objects: readonly KubeObject[]): Pod[] {
    return objects
        .filter((o) => podTemplate(o))
        .map((o) => ({ name: o.metadata.name, namespace: o.metadata.namespace ?? "", labels: podTemplate(o)!.metadata.labels }));
}

function peerMatches(peer: PolicyPeer, policyNamespace: string, pod: Pod): boolean {
    if (pod === EXTERNAL) {
        return peer.ipBlock !== undefined;
    }
    if (peer.ipBlock) {
        // Whether an ipBlock covers pod addresses is left to the network plugin: assume not.
        return false;
    }
    const namespaceOk = peer.namespaceSelector
        ? matches(peer.namespaceSelector, { "kubernetes.io/metadata.name": pod.namespace })
        : pod.namespace === policyNamespace;
    return namespaceOk && (peer.podSelector ? matches(peer.podSelector, pod.labels) : true);
}

function allowedBy(policies: { namespace: string; spec: PolicySpec }[], direction: "Ingress" | "Egress", self: Pod, other: Pod, port: number, protocol = "TCP"): boolean {
    const selecting = policies.filter(
        (p) => p.namespace === self.namespace && p.spec.policyTypes.includes(direction) && matches(p.spec.podSelector, self.labels),
    );
    if (selecting.length === 0) {
        return true;
    }
    return selecting.some((p) =>
        (direction === "Ingress" ? p.spec.ingress : p.spec.egress)?.some((rule) => {
            const peers = direction === "Ingress" ? rule.from : rule.to;
            const peerOk = !peers || peers.some((peer) => peerMatches(peer, p.namespace, other));
            const portOk = !rule.ports || rule.ports.some((r) => (r.protocol ?? "TCP") === protocol && (r.port === undefined || r.port === port));
            return peerOk && portOk;
        }),
    );
}

export function canConnect(objects: readonly KubeObject[], from: Pod, to: Pod, port: number): boolean {
    const policies = objects
        .filter((o) => o.kind === "NetworkPolicy")
        .map((o) => ({ namespace: o.metadata.namespace ?? "", spec: o.spec as PolicySpec }));
    const egress = from === EXTERNAL || allowedBy(policies, "Egress", from, to, port);
    const ingress = to === EXTERNAL || allowedBy(policies, "Ingress", to, from, port);
    return egress && ingress;
}

/** Whether the pod may send a DNS query (UDP 53) to `server`; only its own namespace's policies apply (the DNS pods' are not ours). */
export function canQuery(objects: readonly KubeObject[], from: Pod, server: Pod): boolean {
    const policies = objects
        .filter((o) => o.kind === "NetworkPolicy")
        .map((o) => ({ namespace: o.metadata.namespace ?? "", spec: o.spec as PolicySpec }));
    return allowedBy(policies, "Egress", from, server, 53, "UDP");
}

/** Whether some policy other than a select-everything default selects the pod. */
export function hasAllowPolicy(objects: readonly KubeObject[], pod: Pod): boolean {
    return objects.some(
        (o) =>
            o.kind === "NetworkPolicy" &&
            o.metadata.namespace === pod.namespace &&
            Object.keys((o.spec as PolicySpec).podSelector.matchLabels ?? {}).length > 0 &&
            matches((o.spec as PolicySpec).podSelector, pod.labels),
    );
}

/**
 * Policy peers that name pods (a podSelector) no declared pod matches: rules toward, or
 * from, pods the stack does not run, open to whatever later carries those labels.
 * Peers with a namespace selector alone (the ingress controller's) are not checked: those pods are not ours.
 */
export function peersOfNoPod(objects: readonly KubeObject[]): string[] {
    const pods = podsOf(objects);
    const dangling: string[] = [];
    for (const o of objects.filter((x) => x.kind === "NetworkPolicy")) {
        const spec = o.spec as PolicySpec;
        const namespace = o.metadata.namespace ?? "";
        for (const rule of [...(spec.ingress ?? []).map((r) => r.from ?? []), ...(spec.egress ?? []).map((r) => r.to ?? [])]) {
            for (const peer of rule) {
                if (!peer.podSelector || Object.keys(peer.podSelector.matchLabels ?? {}).length === 0) continue;
                const local = peer.namespaceSelector === undefined;
                const ours = local || pods.some((p) => matches(peer.namespaceSelector, { "kubernetes.io/metadata.name": p.namespace }));
                if (ours && !pods.some((p) => peerMatches(peer, namespace, p))) dangling.push(`${namespace}/${o.metadata.name}: ${JSON.stringify(peer)}`);
            }
        }
    }
    return dangling;
}
