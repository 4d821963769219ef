import type { ResourceValidationPolicy } from "@pulumi/policy";
import { SERVICES, actuatorPath } from "../../catalog";
import { TOOLS } from "../../catalog/observability";
import { LONG_RUNNING_TYPES, containers, describe, obj, podTemplate, str } from "../kube";

/**
 * The health endpoints that report other services' outages, by container name: the
 * services' aggregate Spring health (their config server, registry, database), and the
 * tools whose health the catalog says reports another tool.
 */
interface DependentHealth {
    readonly path: string;
    readonly use: string;
}

const DEPENDENT_HEALTH = new Map<string, DependentHealth>([
    ...SERVICES.map((s): [string, DependentHealth] => [s.name, { path: actuatorPath(s, "health"), use: `Spring's liveness group, ${actuatorPath(s, "liveness")}` }]),
    ...TOOLS.filter((t) => t.healthPath && t.healthReports?.length).map(
        (t): [string, DependentHealth] => [t.name, { path: t.healthPath!, use: `a tcpSocket probe (its health reports ${t.healthReports!.join(", ")})` }],
    ),
]);

export const livenessIndependent: ResourceValidationPolicy = {
    name: "liveness-independent",
    description:
        "No liveness or startup probe calls a health endpoint that reports other services' outages (the catalog knows which): such an outage would restart, or never let start, pods that are fine.",
    severity: "high",
    remediationSteps:
        "Keep the dependency-aware endpoint for the readinessProbe only; for liveness and startup use Spring's liveness group, or a tcpSocket probe for the tools.",
    validateResource: (args, reportViolation) => {
        const pod = LONG_RUNNING_TYPES.includes(args.type) ? podTemplate(args.type, args.props) : undefined;
        for (const c of pod ? containers(pod.spec).filter((x) => !x.init) : []) {
            const dependent = DEPENDENT_HEALTH.get(c.name);
            if (!dependent) continue;
            for (const probe of ["livenessProbe", "startupProbe"] as const) {
                const path = str(obj(obj(c.raw[probe])?.httpGet)?.path);
                if (path === dependent.path) {
                    reportViolation(`${describe(args.type, args.props)}: container "${c.name}" ${probe} calls ${path}, which reports other services' outages; use ${dependent.use}.`);
                }
            }
        }
    },
};
