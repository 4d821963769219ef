import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Children } from "../shared/naming";
import { selectorLabels, standardLabels } from "../shared/labels";
import { API_SERVER, isPod, type Edge, type Peer, type PodPeer } from "./traffic";

type Rule = k8s.types.input.networking.v1.NetworkPolicyPeer;

export interface NetworkIsolationArgs {
    /** Namespaces to close, by name, and the Output the stack's namespace resolves to (for ordering). */
    readonly namespace: pulumi.Input<string>;
    readonly namespaceName: string;
    /** Other namespaces of the stack with pods in the edges (the log shipper's). */
    readonly extraNamespaces: readonly string[];
    readonly stack: string;
    readonly edges: readonly Edge[];
    /** The cluster's own ranges, left out of egress meant for the outside. */
    readonly internalCidrs: readonly string[];
    /** The cluster DNS pods, the only place port 53 may go. */
    readonly dns: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
}

const NAMESPACE_LABEL = "kubernetes.io/metadata.name";

/**
 * Default deny in each of the stack's namespaces, then one policy per pod group allowing
 * exactly its edges: who may reach it on which port, and whom it may reach. Every pod may
 * ask the cluster DNS; nothing else is open.
 */
export class NetworkIsolation extends pulumi.ComponentResource {
    readonly policies: k8s.networking.v1.NetworkPolicy[] = [];

    constructor(name: string, args: NetworkIsolationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ecommerce:k8s:NetworkIsolation", name, {}, opts);
        const nsOf = (peer: PodPeer) => peer.namespace ?? args.namespaceName;
        const namespaceInput = (ns: string) => (ns === args.namespaceName ? args.namespace : ns);
        const labels = (policy: string) => standardLabels({ name: policy, component: "network", instance: args.stack });
        const children = new Children(name, this);

        for (const ns of [args.namespaceName, ...args.extraNamespaces]) {
            const denyAll = children.of(`${ns}-default-deny`);
            this.policies.push(
                new k8s.networking.v1.NetworkPolicy(
                    denyAll.name,
                    {
                        metadata: { name: "default-deny", namespace: namespaceInput(ns), labels: labels("default-deny") },
                        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
                    },
                    denyAll.opts,
                ),
            );
        }

        const groups = new Map<string, PodPeer>();
        for (const edge of args.edges) {
            for (const peer of [edge.from, edge.to] as Peer[]) {
                if (isPod(peer)) {
                    groups.set(`${nsOf(peer)}/${peer.pod}`, peer);
                }
            }
        }

        const toRule = (peer: Peer, policyNs: string): Rule => {
            if (isPod(peer)) {
                const ns = nsOf(peer);
                return {
                    podSelector: { matchLabels: selectorLabels(peer.pod) },
                    ...(ns === policyNs ? {} : { namespaceSelector: { matchLabels: { [NAMESPACE_LABEL]: ns } } }),
                };
            }
            if ("namespace" in peer) {
                return { namespaceSelector: { matchLabels: { [NAMESPACE_LABEL]: peer.namespace } } };
            }
            // The API server often lives in the cluster's ranges; anything else outside must not reach in.
            const except = peer.external === API_SERVER ? [] : [...args.internalCidrs];
            return { ipBlock: { cidr: "0.0.0.0/0", ...(except.length > 0 ? { except } : {}) } };
        };
        const same = (a: Peer, b: PodPeer) => isPod(a) && a.pod === b.pod && nsOf(a) === nsOf(b);

        for (const group of groups.values()) {
            const ns = nsOf(group);
            const incoming = args.edges.filter((e) => same(e.to, group));
            const outgoing = args.edges.filter((e) => same(e.from, group));
            const byPort = (edges: Edge[], peerOf: (e: Edge) => Peer) =>
                [...new Set(edges.map((e) => e.port))].sort((a, b) => a - b).map((port) => ({
                    port,
                    peers: uniqueRules(edges.filter((e) => e.port === port).map((e) => toRule(peerOf(e), ns))),
                }));
            const policyName = `allow-${group.pod}`;
            const allow = children.of(`${ns}-${policyName}`);
            this.policies.push(
                new k8s.networking.v1.NetworkPolicy(
                    allow.name,
                    {
                        metadata: { name: policyName, namespace: namespaceInput(ns), labels: labels(policyName) },
                        spec: {
                            podSelector: { matchLabels: selectorLabels(group.pod) },
                            policyTypes: ["Ingress", "Egress"],
                            ingress: byPort(incoming, (e) => e.from).map(({ port, peers }) => ({ from: peers, ports: [{ protocol: "TCP", port }] })),
                            egress: [
                                ...byPort(outgoing, (e) => e.to).map(({ port, peers }) => ({ to: peers, ports: [{ protocol: "TCP", port }] })),
                                // Name resolution, from the cluster DNS pods only.
                                {
                                    to: [
                                        {
                                            namespaceSelector: { matchLabels: { [NAMESPACE_LABEL]: args.dns.namespace } },
                                            podSelector: { matchLabels: { ...args.dns.podLabels } },
                                        },
                                    ],
                                    ports: [
                                        { protocol: "UDP", port: 53 },
                                        { protocol: "TCP", port: 53 },
                                    ],
                                },
                            ],
                        },
                    },
                    allow.opts,
                ),
            );
        }
        this.registerOutputs({});
    }
}

function uniqueRules(rules: Rule[]): Rule[] {
    const seen = new Map<string, Rule>();
    for (const r of rules) {
        seen.set(JSON.stringify(r), r);
    }
    return [...seen.values()];
}

