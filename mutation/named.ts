/**
 * The changes issue 18's review made by hand, one line of the product each, that left every
 * test green then. `npm run test:mutation -- --named` makes each one in a copy of the project
 * and runs the tests that must notice it: each must fail, and all pass on the copy unchanged.
 */
export interface NamedMutant {
    readonly about: string;
    readonly file: string;
    /** What to change: it must occur exactly once in the file. */
    readonly from: string | RegExp;
    readonly to: string;
    /** The test files that must catch it. */
    readonly tests: readonly string[];
}

const NETWORK = ["test/network-exact.test.ts", "test/operations.test.ts"];
const POLICY = ["policy/test/rules.test.ts", "test/policy/stacks.test.ts"];

export const NAMED_MUTANTS: readonly NamedMutant[] = [
    {
        about: "the DNS egress rule removed (every service loses name resolution)",
        file: "components/network/isolation.ts",
        from: /\/\/ Name resolution, from the cluster DNS pods only\.[\s\S]*?\{ protocol: "TCP", port: 53 \},\s*\],\s*\},/,
        to: "",
        tests: NETWORK,
    },
    {
        about: "the Logstash -> Elasticsearch edge removed (no log is ever indexed)",
        file: "components/network/traffic.ts",
        from: "add(pod(LOGSTASH.name), pod(ELASTICSEARCH.name), ELASTICSEARCH.port);",
        to: "",
        tests: NETWORK,
    },
    {
        about: "one service's call edge removed (order-service -> user-service)",
        file: "components/network/traffic.ts",
        from: "new Set([...spec.calls, ...spec.startsAfter])",
        to: 'new Set([...spec.calls, ...spec.startsAfter].filter((t) => !(spec.name === "order-service" && t === "user-service")))',
        tests: NETWORK,
    },
    {
        about: "DNS allowed to any pod of the DNS namespace",
        file: "components/network/isolation.ts",
        from: "podSelector: { matchLabels: { ...args.dns.podLabels } },",
        to: "",
        tests: NETWORK,
    },
    {
        about: "egress to the outside no longer excepts the cluster's own ranges",
        file: "components/network/isolation.ts",
        from: "...(except.length > 0 ? { except } : {})",
        to: "",
        tests: NETWORK,
    },
    {
        about: "seccompProfile removed from the pods (refused by Pod Security restricted)",
        file: "components/shared/pod.ts",
        from: 'seccompProfile: { type: "RuntimeDefault" },',
        to: "",
        tests: POLICY,
    },
    {
        about: "readOnlyRootFilesystem flipped",
        file: "components/shared/pod.ts",
        from: /readOnlyRootFilesystem,\n/,
        to: "readOnlyRootFilesystem: !readOnlyRootFilesystem,\n",
        tests: POLICY,
    },
    {
        about: "PodDisruptionBudget of maxUnavailable: 0 (node drains blocked forever)",
        file: "components/application/microservice.ts",
        from: "maxUnavailable: 1, selector",
        to: "maxUnavailable: 0, selector",
        tests: POLICY,
    },
    {
        about: "the P0 alert's for: from minutes to hours",
        file: "components/observability/prometheus-config.ts",
        from: /"2m",(\s*`\$\{name\} has no instance)/,
        to: '"2h",$1',
        tests: ["test/observability.test.ts"],
    },
    {
        about: "the explicit Kubernetes provider dropped",
        file: "stacks/program.ts",
        from: "const opts = { provider: environment.provider };",
        to: "const opts = {};",
        tests: ["test/kubernetes-objects.test.ts"],
    },
    {
        about: "the HPA rule's ceiling given slack",
        file: "policy/rules/autoscaling.ts",
        from: "max > config.maxReplicasCeiling",
        to: "max > config.maxReplicasCeiling + 1",
        tests: POLICY,
    },
    {
        about: "the network-coverage rule made namespace-blind",
        file: "policy/rules/network-coverage.ts",
        from: "return p.namespace === metadata(w.props).namespace && Object.keys(sel).length > 0",
        to: "return Object.keys(sel).length > 0",
        tests: POLICY,
    },
    {
        about: "the default-secret check made case-sensitive",
        file: "policy/rules/secrets.ts",
        from: "value.trim().toLowerCase()",
        to: "value.trim()",
        tests: POLICY,
    },
    {
        about: "the smoke test's revision made non-deterministic",
        file: "stacks/program.ts",
        from: "rotation: settings.secretsRotation })",
        to: "rotation: settings.secretsRotation, at: Math.random() })",
        tests: ["test/operations.test.ts"],
    },
    {
        about: "component children named without their component's name (URNs collide)",
        file: "components/shared/naming.ts",
        from: "return role === this.component || role.startsWith(`${this.component}-`) ? role : `${this.component}-${role}`;",
        to: "return role;",
        tests: ["test/shared-parts.test.ts", "test/urn-compat.test.ts"],
    },
    {
        about: "the smoke test's Job under the default ServiceAccount",
        file: "components/shared/script-job.ts",
        from: "serviceAccountName: account.metadata.name,",
        to: "",
        tests: ["test/operations.test.ts", "test/kubernetes-objects.test.ts", "test/object-integrity.test.ts"],
    },
];
