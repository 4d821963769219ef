/**
 * The environment that makes the public Spring Boot images find each other on
 * Kubernetes (see docs/sources/reference-system.md): each listens on the manual's port,
 * reads the config server, registers in Eureka by pod IP, and sends traces to Zipkin.
 */
import { serviceSpec, serviceUrl, type ServiceSpec } from "../../catalog";
import { ZIPKIN } from "../../catalog/observability";
import { discoveryEnvironment } from "./discovery";

export interface SpringPlatform {
    readonly springProfile: string;
    readonly javaToolOptions: string;
    /** Share of requests traced, 0 to 1; undefined when the stack runs no Zipkin. */
    readonly sampleProbability?: number;
    /** Where cloud-config finds the files it serves with its `native` profile; undefined: its Git repository. */
    readonly nativeConfigDir?: string;
}

/** Where the configuration files are mounted in cloud-config, when it serves them. */
export const NATIVE_CONFIG_DIR = "/config";

/**
 * What a stack may set per service (`services.<name>.env`) on top of the wiring: the
 * profile, the JVM's options and the trace sampling. Every other variable springEnvironment
 * sets connects the service to the others; overriding it breaks that.
 */
export const TUNABLE_VARIABLES: readonly string[] = ["SPRING_PROFILES_ACTIVE", "JAVA_TOOL_OPTIONS", "SPRING_SLEUTH_SAMPLER_PROBABILITY"];

export function springEnvironment(spec: ServiceSpec, platform: SpringPlatform): Record<string, string> {
    const eureka = `${serviceUrl(serviceSpec("service-discovery"))}/eureka`;
    const env: Record<string, string> = {
        SERVER_PORT: String(spec.port),
        SPRING_PROFILES_ACTIVE: platform.springProfile,
        // Serves <ctx>/actuator/health/{liveness,readiness} even where Spring does not detect Kubernetes.
        MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED: "true",
        JAVA_TOOL_OPTIONS: platform.javaToolOptions,
        // Histogram buckets, without which the manual's P95 query (4.2) has nothing to read:
        // management.metrics.distribution.percentiles-histogram.http.server.requests. Spring
        // maps a variable to a dashed name with the dash removed; written PERCENTILES_HISTOGRAM
        // it binds into the `percentiles` map of numbers, and no service starts.
        MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS: "true",
        // Both spellings: the plain one, and the zone form that survives relaxed binding of map keys.
        EUREKA_CLIENT_SERVICE_URL_DEFAULTZONE: eureka,
        EUREKA_CLIENT_REGION: "default",
        EUREKA_CLIENT_AVAILABILITYZONES_DEFAULT: "myzone",
        EUREKA_CLIENT_SERVICEURL_MYZONE: eureka,
        // Pod host names do not resolve; each replica must register its own IP.
        EUREKA_INSTANCE_PREFER_IP_ADDRESS: "true",
        // Short registry caches, so that callers stop sending to a stopped instance in seconds.
        ...discoveryEnvironment(spec),
    };
    if (platform.sampleProbability === undefined) {
        env.SPRING_ZIPKIN_ENABLED = "false";
    } else {
        env.SPRING_ZIPKIN_BASE_URL = `${serviceUrl(ZIPKIN)}/`;
        // Sleuth samples 10% by default; the stack decides.
        env.SPRING_SLEUTH_SAMPLER_PROBABILITY = String(platform.sampleProbability);
    }
    if (spec.configClient) {
        env.SPRING_CONFIG_IMPORT = `optional:configserver:${serviceUrl(serviceSpec("cloud-config"))}`;
    } else if (spec.name === "cloud-config" && platform.nativeConfigDir !== undefined) {
        // Files instead of a Git clone (reference-system.md): nothing to fetch at start.
        env.SPRING_PROFILES_ACTIVE = `native,${platform.springProfile}`;
        env.SPRING_CLOUD_CONFIG_SERVER_NATIVE_SEARCH_LOCATIONS = `file:${platform.nativeConfigDir}/`;
    }
    return env;
}
