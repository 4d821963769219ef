/** How a business service reaches its own PostgreSQL database (datasource mode `postgres`). */
import type * as k8s from "@pulumi/kubernetes";
import type { ServiceSpec } from "../../catalog";
import { tcpGate, type Gate } from "../shared/pod";
import type { DatabaseEndpoint } from "./server";
import { datasourceEnv, kubernetesEnv } from "./env";

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
        env: kubernetesEnv(datasourceEnv({ ...spec, database: spec.database })),
        gates: [tcpGate("postgres", endpoint.host, endpoint.port)],
    };
}
