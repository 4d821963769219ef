/** How a business service reaches its own PostgreSQL database (datasource mode `postgres`). */
import type * as k8s from "@pulumi/kubernetes";
import type { ServiceSpec } from "../catalog";
import { tcpGate, type Gate } from "./pod";
import type { DatabaseEndpoint } from "./postgres";
import { passwordKey } from "./postgres-pods";

export interface DatasourceWiring {
    readonly env: k8s.types.input.core.v1.EnvVar[];
    readonly gates: Gate[];
}

/** Spring's datasource overrides (reference-system.md, "Databases"); nothing for services without a database. */
export function datasourceWiring(spec: ServiceSpec, endpoint: DatabaseEndpoint): DatasourceWiring {
    if (!spec.database) {
        return { env: [], gates: [] };
    }
    return {
        env: [
            { name: "SPRING_DATASOURCE_URL", value: `jdbc:postgresql://${endpoint.host}:${endpoint.port}/${spec.database}` },
            { name: "SPRING_DATASOURCE_USERNAME", value: spec.database },
            {
                name: "SPRING_DATASOURCE_PASSWORD",
                valueFrom: { secretKeyRef: { name: endpoint.secretName, key: passwordKey(spec.name) } },
            },
            { name: "SPRING_DATASOURCE_DRIVER_CLASS_NAME", value: "org.postgresql.Driver" },
        ],
        gates: [tcpGate("postgres", endpoint.host, endpoint.port)],
    };
}
