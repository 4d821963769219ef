/**
 * How fast the services learn that an instance came or went, and how long a stopping pod
 * keeps serving so that nobody is still sent to it when it stops.
 *
 * The gateway and every Feign or load-balanced client find instances through Eureka, not
 * through Kubernetes Services, so a pod's readiness does not take it out of their lists. A
 * stopping instance deregisters when its JVM shuts down, and a client keeps routing to it
 * until three caches have turned over: the Eureka server's response cache, the client's
 * registry copy and Spring Cloud LoadBalancer's instance cache. With the libraries' defaults
 * (30 s, 30 s, 35 s) a restarted service answered 500 through the gateway for up to a
 * minute and a half on the node (5 % of the requests of a steady load during a rolling
 * update). Shorter caches shrink that window; a pre-stop delay longer than it keeps the old
 * instance serving while the clients learn of its replacement; and the gateway retries a
 * GET whose connection failed, on the next instance, for what is left.
 */
import type { ServiceSpec } from "../../catalog";

export const DISCOVERY_CACHES = {
    /** eureka.server.response-cache-update-interval-ms, in seconds (default 30). */
    serverResponseCacheSeconds: 5,
    /** eureka.client.registry-fetch-interval-seconds (default 30). */
    registryFetchSeconds: 5,
    /** spring.cloud.loadbalancer.cache.ttl (default 35 s). */
    loadBalancerCacheSeconds: 5,
} as const;

/** Margin for a slow fetch and the kubelet's own delay in sending the stop. */
const MARGIN_SECONDS = 5;

/** How long a stopping instance of a horizontally scaled service keeps serving (its pre-stop sleep). */
export const DRAIN_SECONDS =
    DISCOVERY_CACHES.serverResponseCacheSeconds + DISCOVERY_CACHES.registryFetchSeconds + DISCOVERY_CACHES.loadBalancerCacheSeconds + MARGIN_SECONDS;

/** What Spring needs to stop after the drain: graceful shutdown of in-flight requests and deregistration. */
export const SHUTDOWN_SECONDS = 30;

/**
 * The gateway's default filters: the upstream image's one (a list set by the environment
 * replaces the file's, so it is repeated here) and a retry of GETs whose connection failed
 * or that got a 5xx, at most twice, each on the next instance the load balancer picks.
 */
export const GATEWAY_DEFAULT_FILTERS = ["DedupeResponseHeader=Access-Control-Allow-Credentials Access-Control-Allow-Origin, RETAIN_UNIQUE", "Retry=2"] as const;

/** The environment that applies these timings to one service. */
export function discoveryEnvironment(spec: Pick<ServiceSpec, "name">): Record<string, string> {
    if (spec.name === "service-discovery") {
        return { EUREKA_SERVER_RESPONSECACHEUPDATEINTERVALMS: String(DISCOVERY_CACHES.serverResponseCacheSeconds * 1000) };
    }
    const env: Record<string, string> = {
        EUREKA_CLIENT_REGISTRYFETCHINTERVALSECONDS: String(DISCOVERY_CACHES.registryFetchSeconds),
        SPRING_CLOUD_LOADBALANCER_CACHE_TTL: `${DISCOVERY_CACHES.loadBalancerCacheSeconds}s`,
    };
    if (spec.name === "api-gateway") {
        GATEWAY_DEFAULT_FILTERS.forEach((filter, i) => (env[`SPRING_CLOUD_GATEWAY_DEFAULTFILTERS_${i}`] = filter));
    }
    return env;
}
