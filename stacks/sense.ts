/**
 * Settings that pass every grammar but that nobody means, or that contradict each other:
 * a memory size without a unit, a CPU count in the thousands, a heap larger than its
 * container, keys the chosen target ignores, a restore while the services still write.
 * Each message names the key and says what happens; the caller refuses them in production
 * and shows them as preview warnings in development.
 */
import { SERVICES, type ServiceName } from "../catalog";
import { springEnvironment, TUNABLE_VARIABLES } from "../components/shared/spring-env";
import { maxHeapOf } from "../lib/durations";
import { parseCpu, parseMemory } from "../lib/quantity";
import type { ServiceSettings } from "../settings";
import type { StackConfig } from "./schema";

type Key = (...path: string[]) => string;

/** More than anyone runs of one service, and more cores than any node has. */
const MAX_SENSIBLE_PODS = 1000;
const MAX_SENSIBLE_CORES = 256;
const MIN_SENSIBLE_BYTES = 2 ** 20;

/** Pulumi.yaml's defaults of the keys only the Kubernetes target reads (a test keeps them equal). */
export const KUBERNETES_ONLY_DEFAULTS: Readonly<Record<string, string>> = {
    podSecurity: "restricted",
    kubeContext: "",
    ingressEnabled: "true",
    ingressClassName: "nginx",
    ingressHost: "",
    ingressControllerNamespace: "ingress-nginx",
    ingressTlsSecretName: "",
    ingressTlsTerminatedElsewhere: "false",
    spreadAcrossNodes: "true",
    spreadAcrossZones: "false",
    networkIsolation: "true",
    skipAwait: "false",
    smokeTest: "false",
    autoscaling: "{}",
};

/** Quantities and counts in the structured keys, wherever they are. */
function magnitudes(value: unknown, path: string[], key: Key, found: string[]): void {
    if (typeof value === "object" && value !== null) {
        for (const [k, v] of Object.entries(value)) magnitudes(v, [...path, k], key, found);
        return;
    }
    const field = path.at(-1);
    if ((field === "memory" || field === "storageSize") && typeof value === "string") {
        const bytes = parseMemory(value) ?? Infinity;
        if (bytes < MIN_SENSIBLE_BYTES) {
            found.push(`${key(...path)}: ${JSON.stringify(value)} is ${bytes} bytes; give it a unit, e.g. "${value}Mi"`);
        }
    }
    if (field === "cpu" && typeof value === "string") {
        const cores = parseCpu(value) ?? 0;
        if (cores > MAX_SENSIBLE_CORES) {
            const mega = /^([0-9]+)M$/.exec(value)?.[1];
            found.push(`${key(...path)}: ${JSON.stringify(value)} is ${cores} cores${mega ? " (M is mega)" : ""}; for millicores write "${mega ?? value}m"`);
        }
    }
    if ((field === "replicas" || field === "maxReplicas" || field === "minReplicas") && typeof value === "number" && value > MAX_SENSIBLE_PODS) {
        found.push(`${key(...path)}: ${value} pods of one service is more than any cluster of this system runs; at most ${MAX_SENSIBLE_PODS} is taken without question`);
    }
}

/** The last -Xmx of JVM options, as written (`-Xmx4g`). */
function writtenHeap(options: string): string {
    return [...options.matchAll(/(?:^|\s)(-Xmx\S+)/g)].at(-1)?.[1] ?? "-Xmx";
}

export function doubtfulSettings(config: StackConfig, raw: Readonly<Record<string, string>>, services: Readonly<Record<ServiceName, ServiceSettings>>, key: Key): string[] {
    const found: string[] = [];
    for (const top of ["resources", "autoscaling", "services", "postgres", "observability"] as const) {
        magnitudes(config[top], [top], key, found);
    }

    // The stack-wide -Xmx is reported once, naming every service it does not fit.
    const overStackHeap: string[] = [];
    for (const spec of SERVICES) {
        const service = services[spec.name];
        const at = (...path: string[]) => key("services", spec.name, ...path);
        const own = service.env.JAVA_TOOL_OPTIONS !== undefined;
        const options = own ? service.env.JAVA_TOOL_OPTIONS! : config.javaToolOptions;
        const heap = maxHeapOf(options);
        const limit = parseMemory(service.resources.limits.memory) ?? Infinity;
        if (heap !== undefined && heap >= limit) {
            if (own) {
                found.push(`${at("env", "JAVA_TOOL_OPTIONS")}: ${writtenHeap(options)} is not below ${spec.name}'s memory limit ${service.resources.limits.memory}; the container is killed before the heap is full`);
            } else {
                overStackHeap.push(`${spec.name} (${service.resources.limits.memory})`);
            }
        }
        const wiring = Object.keys(springEnvironment(spec, { springProfile: "", javaToolOptions: "", sampleProbability: 1 })).filter((v) => !TUNABLE_VARIABLES.includes(v));
        for (const name of Object.keys(service.env)) {
            if (wiring.includes(name) || (config.datasource === "postgres" && name.startsWith("SPRING_DATASOURCE_"))) {
                found.push(`${at("env", name)}: the program sets ${name} to connect ${spec.name} to the other services; overriding it breaks that (tunable here: ${TUNABLE_VARIABLES.join(", ")})`);
            }
        }
        const profile = service.env.SPRING_PROFILES_ACTIVE ?? config.springProfile;
        if (config.datasource === "embedded" && spec.database && !profile.split(",").includes("dev")) {
            found.push(
                `${service.env.SPRING_PROFILES_ACTIVE !== undefined ? at("env", "SPRING_PROFILES_ACTIVE") : key("springProfile")}: profile ${JSON.stringify(profile)} without "dev" makes ${spec.name} look for MySQL, ` +
                    `but datasource is "embedded" (the dev profile's H2); keep "dev" or use datasource "postgres" with rebuilt images`,
            );
        }
    }
    if (overStackHeap.length > 0) {
        found.push(
            `${key("javaToolOptions")}: ${writtenHeap(config.javaToolOptions)} is not below the memory limit of ${overStackHeap.join(", ")}; the container is killed before the heap is full`,
        );
    }

    const local = config.ingressHost === "localhost" || config.ingressHost.endsWith(".localhost");
    if (config.target === "kubernetes" && config.ingressEnabled && config.ingressTlsSecretName === "" && !config.ingressTlsTerminatedElsewhere && !local) {
        // *.localhost resolves to this machine only (RFC 6761): plain HTTP never leaves it.
        found.push(
            `${key("ingressHost")}: the gateway's Ingress serves ${config.ingressHost ? JSON.stringify(config.ingressHost) : "every host"} over plain HTTP; ` +
                `set ${key("ingressTlsSecretName")} to a TLS Secret (with ${key("ingressHost")}), or ${key("ingressTlsTerminatedElsewhere")}: true when a load balancer in front terminates TLS`,
        );
    }
    if (config.ingressTlsSecretName !== "" && config.ingressHost === "") {
        found.push(`${key("ingressTlsSecretName")}: a TLS certificate needs ${key("ingressHost")}; without a host the Secret is not used and the gateway serves plain HTTP`);
    }
    if (config.postgres.restoreFrom && !config.scaleToZero) {
        found.push(
            `${key("postgres", "restoreFrom")}: restoring while the services run lets them write during and after the restore; set ${key("scaleToZero")}: true first (manual 9.2)`,
        );
    }
    if (config.target === "kubernetes" && raw.docker !== undefined && raw.docker !== "{}") {
        found.push(`${key("docker")}: only the docker target reads it; this stack's target is kubernetes`);
    }
    if (config.target === "docker") {
        for (const [name, byDefault] of Object.entries(KUBERNETES_ONLY_DEFAULTS)) {
            if (raw[name] !== undefined && raw[name] !== byDefault) {
                found.push(`${key(name)}: only the kubernetes target reads it; this stack's target is docker`);
            }
        }
    }
    return found;
}
