/**
 * What `npm run test:mutation` mutates, in scopes small enough to finish: each scope names
 * the modules it changes (a folder ending in "/", or one file; "!" before one leaves it out)
 * and the test files that can
 * catch those changes, fastest and broadest first (Stryker stops a mutant's run at the first
 * failing test). A test left out of a scope can only make its score lower than the truth.
 */
export interface MutationScope {
    readonly name: string;
    readonly about: string;
    readonly modules: readonly string[];
    readonly tests: readonly string[];
}

/** Tests that read every object a stack declares, and the policy pack over whole stacks. */
const WHOLE_STACK = ["test/kubernetes-objects.test.ts", "test/object-integrity.test.ts", "test/policy/stacks.test.ts"];

export const SCOPES: readonly MutationScope[] = [
    {
        name: "policy-network",
        about: "policy rules, network policies and the traffic graph, Alertmanager routing and receivers",
        modules: ["policy/rules/", "components/network/", "components/observability/alertmanager-config.ts", "stacks/alert-receivers.ts"],
        tests: ["policy/test/rules.test.ts", "test/policy/stacks.test.ts", "test/operations.test.ts", "test/alerting.test.ts", "test/real/amtool.test.ts", "test/network-exact.test.ts"],
    },
    {
        name: "validation",
        about: "stack config: what is accepted, refused and defaulted",
        modules: [
            "stacks/schema.ts",
            "stacks/settings.ts",
            "stacks/backup-settings.ts",
            "stacks/resources.ts",
            "stacks/sense.ts",
            "stacks/foreign-keys.ts",
            "stacks/observability-settings.ts",
            "stacks/docker-settings.ts",
            "stacks/config-server-settings.ts",
        ],
        tests: [
            "test/config-rules.test.ts",
            "test/settings-resolution.test.ts",
            "test/config-validation.test.ts",
            "test/config-mistakes.test.ts",
            "test/stack-config.test.ts",
            "test/offsite-backups.test.ts",
            "test/alerting.test.ts",
            "test/config-server.test.ts",
            "test/local-stack.test.ts",
        ],
    },
    {
        name: "components-application",
        about: "the ten services: Deployments, Services, HPAs, PDBs, the Ingress, the smoke test, the namespace",
        modules: ["components/application/", "components/environment.ts"],
        tests: [
            ...WHOLE_STACK,
            "test/application-tier.test.ts",
            "test/config-server.test.ts",
            "test/operations.test.ts",
            "test/await.test.ts",
            "test/capacity-report.test.ts",
            "test/pre-upgrade-backup.test.ts",
            "test/network-exact.test.ts",
            "test/local-stack.test.ts",
            "test/smoke-script.test.ts",
            "test/drift.test.ts",
            "test/urn-compat.test.ts",
        ],
    },
    {
        name: "components-postgres",
        about: "PostgreSQL: the server, its Secrets, backups (scheduled, pre-upgrade, off-site) and restores",
        modules: ["components/postgres/"],
        tests: [
            ...WHOLE_STACK,
            "test/postgres.test.ts",
            "test/offsite-backups.test.ts",
            "test/pre-upgrade-backup.test.ts",
            "test/operations.test.ts",
            "test/await.test.ts",
            "test/local-stack.test.ts",
            "test/urn-compat.test.ts",
        ],
    },
    {
        name: "components-observability",
        about: "Prometheus, Grafana, Alertmanager, Zipkin, the ELK stack and the log shipper",
        modules: ["components/observability/", "!components/observability/alertmanager-config.ts"],
        tests: [
            "test/promql.test.ts",
            ...WHOLE_STACK,
            "test/observability.test.ts",
            "test/observability-wiring.test.ts",
            "test/prometheus-targets.test.ts",
            "test/alerting.test.ts",
            "test/kibana-setup.test.ts",
            "test/real/kibana-setup.test.ts",
            "test/real/promtool.test.ts",
            "test/operations.test.ts",
            "test/await.test.ts",
            "test/urn-compat.test.ts",
        ],
    },
    {
        name: "components-shared",
        about: "what every component builds on: pods, labels, names, passwords, script Jobs, Spring environment",
        modules: ["components/shared/"],
        tests: [
            "test/shared-parts.test.ts",
            ...WHOLE_STACK,
            "test/observability-wiring.test.ts",
            "test/application-tier.test.ts",
            "test/postgres.test.ts",
            "test/observability.test.ts",
            "test/local-stack.test.ts",
            "test/operations.test.ts",
            "test/config-server.test.ts",
            "test/config-mistakes.test.ts",
            "test/urn-compat.test.ts",
        ],
    },
    {
        name: "components-docker",
        about: "the local Docker stack: images, containers, volumes, its network, backups",
        modules: ["components/docker/"],
        tests: ["test/docker-wiring.test.ts", "test/local-stack.test.ts", "test/object-integrity.test.ts", "test/offsite-backups.test.ts", "test/config-server.test.ts", "test/alerting.test.ts", "test/kibana-setup.test.ts", "test/urn-compat.test.ts"],
    },
];

/** Whether a scope mutates a file (a path from the project's root). */
export function covers(scope: MutationScope, file: string): boolean {
    const matches = (m: string): boolean => (m.endsWith("/") ? file.startsWith(m) : file === m);
    const included = scope.modules.filter((m) => !m.startsWith("!")).some(matches);
    return included && !scope.modules.filter((m) => m.startsWith("!")).some((m) => matches(m.slice(1)));
}

/** The globs Stryker's `mutate` takes for a scope's modules. */
export function mutateGlobs(scope: MutationScope): string[] {
    return scope.modules.map((m) => (m.endsWith("/") ? `${m}**/*.ts` : m));
}
