/**
 * PostgreSQL's connection budget. Each business service pod holds a pool of connections
 * to its database; at the autoscalers' maxima, during a rolling update (one extra pod per
 * Deployment), their sum must fit under `max_connections`, or new pods fail to start with
 * "remaining connection slots are reserved" (found on the node: PostgreSQL's default of
 * 100 ran out when a new imageTag rolled six services at three replicas each, with
 * Spring's default pool of 10). The server's setting is config (`postgres.maxConnections`),
 * not derived from the autoscalers, so that scaling by config never restarts the database;
 * a stack whose maxima need more is refused, naming both keys.
 */
import type { ServiceSettings } from "../../settings";
import { ROLLOUT_SURGE } from "../shared/pod";

/** Connections each service pod keeps at most (Hikari's `maximumPoolSize`; Spring's default is 10). */
export const POOL_SIZE = 5;

/**
 * Beyond the services: the backup, pre-upgrade, provision and restore Jobs, an operator's
 * `psql` sessions and PostgreSQL's own reserve for the superuser (3).
 */
export const OTHER_CONNECTIONS = 20;

/**
 * The most pods a service can run at once: its autoscaler's maximum (or fixed count), plus
 * the roll-out surge. From the replicas it runs with, so that stopping the services
 * (scaleToZero) does not change the server's settings and restart it.
 */
function mostPods(service: ServiceSettings): number {
    const replicas = service.running.kind === "fixed" ? service.running.count : service.running.maxReplicas;
    return replicas + ROLLOUT_SURGE;
}

/** The connections the stack's services need at most: every pool at the most pods, plus the rest. */
export function connectionsNeeded(services: readonly ServiceSettings[]): number {
    return services.filter((s) => s.spec.database !== undefined).reduce((n, s) => n + mostPods(s) * POOL_SIZE, 0) + OTHER_CONNECTIONS;
}
