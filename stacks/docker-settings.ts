/** The local Docker target's settings: which host port each published container takes. */
import * as fs from "fs";
import * as path from "path";
import { SERVICES } from "../catalog";
import { GRAFANA, KIBANA, PROMETHEUS, ZIPKIN } from "../catalog/observability";
import { DOCKER_DEFAULTS } from "./defaults";
import type { DockerSettings, ImageBuildSettings } from "../settings/docker";
import type { ObservabilitySettings } from "../settings/observability";
import type { StackConfig } from "./schema";

type Key = (...path: string[]) => string;

/** What the local stack publishes, on the manual's ports: the ten services and the tools of manual 4.2. */
export function publishable(observability: ObservabilitySettings): Record<string, number> {
    const tools = [
        ...(observability.tracing ? [ZIPKIN] : []),
        ...(observability.metrics ? [PROMETHEUS] : []),
        ...(observability.metrics?.grafana ? [GRAFANA] : []),
        ...(observability.logging ? [KIBANA] : []),
    ];
    return Object.fromEntries([...SERVICES.map((s) => [s.name, s.port] as const), ...tools.map((t) => [t.name, t.port] as const)]);
}

export function resolveDocker(config: StackConfig, observability: ObservabilitySettings, key: Key, problems: string[]): DockerSettings {
    const manual = publishable(observability);
    const given = config.docker.hostPorts ?? {};
    for (const name of Object.keys(given).filter((n) => !(n in manual))) {
        problems.push(`${key("docker", "hostPorts", name)}: nothing called ${name} is published; publishable: ${Object.keys(manual).join(", ")}`);
    }
    const hostPorts: Record<string, number> = {};
    for (const name of Object.keys(manual)) {
        hostPorts[name] = given[name] ?? DOCKER_DEFAULTS.hostPorts[name] ?? manual[name]!;
    }
    if (config.target === "docker") {
        const byPort = new Map<number, string[]>();
        for (const [name, port] of Object.entries(hostPorts)) {
            byPort.set(port, [...(byPort.get(port) ?? []), name]);
        }
        for (const [port, names] of byPort) {
            if (names.length > 1) {
                problems.push(
                    `${key("docker", "hostPorts")}: ${names.join(" and ")} would all publish host port ${port}; give all but one another port, e.g. docker.hostPorts.${names[1]}: ${port + 1}`,
                );
            }
        }
    }
    return {
        host: (config.docker.host ?? DOCKER_DEFAULTS.host) || undefined,
        hostPorts,
        keepVolumes: config.docker.keepVolumes ?? DOCKER_DEFAULTS.keepVolumes,
    };
}

export function resolveImageBuild(config: StackConfig, key: Key, problems: string[]): ImageBuildSettings | undefined {
    const build = config.imageBuild;
    if (Object.keys(build).length === 0) {
        return undefined;
    }
    if (!build.context) {
        problems.push(`${key("imageBuild", "context")}: is required to build images: the path of a checkout of the services' sources`);
        return undefined;
    }
    const folder = path.resolve(build.context);
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
        problems.push(
            `${key("imageBuild", "context")}: ${JSON.stringify(build.context)} is not a folder (${folder}; a relative path starts at the project's folder): it must be a checkout of the services' sources`,
        );
    }
    const push = build.push ?? false;
    if (config.target === "kubernetes" && (!build.registry || !push)) {
        problems.push(`${key("imageBuild")}: a Kubernetes stack pulls its images from a registry; set imageBuild.registry and imageBuild.push: true`);
    }
    return { context: build.context, registry: build.registry, push };
}
