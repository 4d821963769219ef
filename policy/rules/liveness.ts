import type { ResourceValidationPolicy } from "@pulumi/policy";
import { withDefaults } from "../config";
import { LONG_RUNNING_TYPES, containers, describe, obj, podTemplate, str } from "../kube";

/** A tool whose health endpoint reports other tools' state. */
export interface DependentHealth {
    readonly path: string;
    readonly reports: readonly string[];
}

export interface LivenessConfig {
    /**
     * Spring Boot's aggregate health, as a path suffix (any context path before it): it turns
     * DOWN when the database, the registry or the config server does.
     */
    readonly springHealthPath: string;
    /** Other containers whose health endpoint reports another service, by container name. */
    readonly dependentHealth: Readonly<Record<string, DependentHealth>>;
}

const configOf = (given: object) => withDefaults<LivenessConfig>(livenessIndependent.configSchema!, given);

/** What the probe should call instead, or undefined when the path is independent. */
function dependentUse(container: string, path: string, config: LivenessConfig): string | undefined {
    if (path === config.springHealthPath || path.endsWith(config.springHealthPath)) {
        return `Spring's liveness group, ${path}/liveness`;
    }
    const tool = config.dependentHealth[container];
    return tool && tool.path === path ? `a tcpSocket probe (its health reports ${tool.reports.join(", ")})` : undefined;
}

export const livenessIndependent: ResourceValidationPolicy = {
    name: "liveness-independent",
    description:
        "No liveness or startup probe calls a health endpoint that reports other services' outages (Spring's aggregate health, and those named in config): such an outage would restart, or never let start, pods that are fine.",
    severity: "high",
    remediationSteps:
        "Keep the dependency-aware endpoint for the readinessProbe only; for liveness and startup use Spring's liveness group, or a tcpSocket probe for the tools.",
    configSchema: {
        properties: {
            springHealthPath: {
                type: "string",
                pattern: "^/",
                default: "/actuator/health",
                description: "Spring Boot's aggregate health endpoint, matched as a suffix of the probe's path.",
            },
            dependentHealth: {
                type: "object",
                default: {},
                description: "Containers, by name, whose health endpoint reports other services: the path and what it reports.",
                additionalProperties: {
                    type: "object",
                    properties: {
                        path: { type: "string", pattern: "^/" },
                        reports: { type: "array", items: { type: "string" }, minItems: 1 },
                    },
                    required: ["path", "reports"],
                    additionalProperties: false,
                },
            },
        },
    },
    validateResource: (args, reportViolation) => {
        const pod = LONG_RUNNING_TYPES.includes(args.type) ? podTemplate(args.type, args.props) : undefined;
        const config = configOf(args.getConfig());
        for (const c of pod ? containers(pod.spec).filter((x) => !x.init) : []) {
            for (const probe of ["livenessProbe", "startupProbe"] as const) {
                const path = str(obj(obj(c.raw[probe])?.httpGet)?.path);
                const use = path === undefined ? undefined : dependentUse(c.name, path, config);
                if (use) {
                    reportViolation(`${describe(args.type, args.props)}: container "${c.name}" ${probe} calls ${path}, which reports other services' outages; use ${use}.`);
                }
            }
        }
    },
};
