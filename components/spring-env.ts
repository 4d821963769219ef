/**
 * The environment that makes the public Spring Boot images find each other on
 * Kubernetes (see shared/docs/reference-system.md): each listens on the manual's port,
 * reads the config server, registers in Eureka by pod IP, and sends traces to Zipkin.
 */
import { TRACING, serviceSpec, serviceUrl, type ServiceSpec } from "../catalog";

export interface SpringPlatform {
    readonly springProfile: string;
    readonly javaToolOptions: string;
}

export function springEnvironment(spec: ServiceSpec, platform: SpringPlatform): Record<string, string> {
    const eureka = `${serviceUrl(serviceSpec("service-discovery"))}/eureka`;
    const env: Record<string, string> = {
        SERVER_PORT: String(spec.port),
        SPRING_PROFILES_ACTIVE: platform.springProfile,
        // Serves <ctx>/actuator/health/{liveness,readiness} even where Spring does not detect Kubernetes.
        MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED: "true",
        JAVA_TOOL_OPTIONS: platform.javaToolOptions,
        SPRING_ZIPKIN_BASE_URL: `${serviceUrl(TRACING)}/`,
        // Both spellings: the plain one, and the zone form that survives relaxed binding of map keys.
        EUREKA_CLIENT_SERVICE_URL_DEFAULTZONE: eureka,
        EUREKA_CLIENT_REGION: "default",
        EUREKA_CLIENT_AVAILABILITYZONES_DEFAULT: "myzone",
        EUREKA_CLIENT_SERVICEURL_MYZONE: eureka,
        // Pod host names do not resolve; each replica must register its own IP.
        EUREKA_INSTANCE_PREFER_IP_ADDRESS: "true",
    };
    if (spec.name !== "cloud-config") {
        env.SPRING_CONFIG_IMPORT = `optional:configserver:${serviceUrl(serviceSpec("cloud-config"))}`;
    }
    return env;
}
