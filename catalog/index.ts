/**
 * The operations manual's facts about the system, in one place.
 *
 * Sources: the manual (`docs/sources/operations-manual.es.md`, section 2.1 for names and
 * ports, 7 for scaling and resources, 9.1 for start order) and the reference notes on
 * the public images (`docs/sources/reference-system.md`: image names, context paths,
 * the images' own ports, what runs as a singleton). Components, tests, scrape
 * configs, policies and network rules read this module; none of them repeats it.
 */
import { canonicalRepository, parseImageRef } from "../lib/image";

/** The six business services, each with its own database (manual 2.1). */
const BUSINESS_SERVICE_NAMES = [
    "user-service",
    "product-service",
    "order-service",
    "payment-service",
    "shipping-service",
    "favourite-service",
] as const;

export const SERVICE_NAMES = ["cloud-config", "service-discovery", "api-gateway", ...BUSINESS_SERVICE_NAMES, "proxy-client"] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

/** How a service may be scaled. Eureka and the config server do not replicate state. */
export type Scaling = "horizontal" | "singleton";

/** Where the service sits: decides exposure and, later, network rules. */
export type Tier = "platform" | "edge" | "business" | "frontend";

export interface ServiceSpec {
    /** Kubernetes name of the Deployment, Service and container, as the manual's kubectl commands use it. */
    readonly name: ServiceName;
    /** The manual's name in section 2.1. */
    readonly title: string;
    /** The manual's "Propósito", in English. */
    readonly purpose: string;
    /** The manual's port; the container is told to listen on it (`SERVER_PORT`). */
    readonly port: number;
    /** Port baked into the public image, overridden by `SERVER_PORT`: kept to explain probes and docs. */
    readonly imagePort: number;
    /** Repository name of the public image, without registry or tag. */
    readonly image: string;
    /** Servlet context path (`server.servlet.context-path`); "" for the root. */
    readonly contextPath: string;
    /** Whether Prometheus can scrape `<contextPath>/actuator/prometheus` anonymously. */
    readonly metricsScrapeable: boolean;
    /** Services that must be healthy before this one starts (manual 9.1). */
    readonly startsAfter: readonly ServiceName[];
    /** Services this one sends requests to at run time (read from the services' sources). */
    readonly calls: readonly ServiceName[];
    /**
     * Whether it imports its configuration from cloud-config (has Spring Cloud's config
     * client). Eureka's server has none: given `SPRING_CONFIG_IMPORT` it takes the
     * `configserver:` address for a file and does not start.
     */
    readonly configClient: boolean;
    readonly scaling: Scaling;
    readonly tier: Tier;
    /** Its own PostgreSQL database and login role (one per business service). */
    readonly database?: string;
}

const BUSINESS_START: readonly ServiceName[] = ["cloud-config", "service-discovery"];
const BUSINESS_NAMES: readonly ServiceName[] = BUSINESS_SERVICE_NAMES;

export const SERVICES: readonly ServiceSpec[] = [
    {
        name: "cloud-config",
        title: "Cloud Config",
        purpose: "Centralised configuration",
        port: 8888,
        imagePort: 9296,
        image: "cloud-config-ecommerce-boot",
        contextPath: "",
        metricsScrapeable: true,
        // First in the manual's order (9.1). Its own Eureka client retries registration in
        // the background, so it does not need discovery first; everything that imports
        // `optional:configserver:` does need it, because that import never retries.
        startsAfter: [],
        calls: ["service-discovery"],
        configClient: false,
        scaling: "singleton",
        tier: "platform",
    },
    {
        name: "service-discovery",
        title: "Service Discovery",
        purpose: "Service registry (Eureka)",
        port: 8761,
        imagePort: 8761,
        image: "service-discovery-ecommerce-boot",
        contextPath: "",
        metricsScrapeable: true,
        startsAfter: ["cloud-config"],
        // The Eureka server calls nothing: no config client, no registry client.
        calls: [],
        configClient: false,
        scaling: "singleton",
        tier: "platform",
    },
    {
        name: "api-gateway",
        title: "API Gateway",
        purpose: "Single entry point",
        port: 8080,
        imagePort: 8080,
        image: "api-gateway-ecommerce-boot",
        contextPath: "",
        metricsScrapeable: true,
        startsAfter: ["cloud-config", "service-discovery"],
        // Routes /<service>/** to each business service and /app/** to the web client.
        calls: [...BUSINESS_START, ...BUSINESS_NAMES, "proxy-client"],
        configClient: true,
        scaling: "horizontal",
        tier: "edge",
    },
    business("user-service", "User Service", "User management", 8081, 8700, []),
    business("product-service", "Product Service", "Product catalogue", 8082, 8500, []),
    business("order-service", "Order Service", "Order processing", 8083, 8300, ["user-service"]),
    business("payment-service", "Payment Service", "Payment processing", 8084, 8400, ["order-service"]),
    business("shipping-service", "Shipping Service", "Shipping management", 8085, 8600, [
        "product-service",
        "order-service",
    ]),
    business("favourite-service", "Favourite Service", "Favourites management", 8086, 8800, [
        "user-service",
        "product-service",
    ]),
    {
        name: "proxy-client",
        title: "Proxy Client",
        purpose: "Web client",
        port: 3000,
        imagePort: 8900,
        image: "proxy-client-ecommerce-boot",
        contextPath: "/app",
        // Its actuator endpoints need the ADMIN role: no anonymous scraping.
        metricsScrapeable: false,
        startsAfter: [...BUSINESS_START, "api-gateway"],
        // Feign clients to every business service, found through Eureka.
        calls: [...BUSINESS_START, ...BUSINESS_NAMES],
        configClient: true,
        scaling: "horizontal",
        tier: "frontend",
    },
];

function business(
    name: ServiceName,
    title: string,
    purpose: string,
    port: number,
    imagePort: number,
    peers: readonly ServiceName[],
): ServiceSpec {
    return {
        name,
        title,
        purpose,
        port,
        imagePort,
        image: `${name}-ecommerce-boot`,
        contextPath: `/${name}`,
        metricsScrapeable: true,
        startsAfter: BUSINESS_START,
        calls: [...BUSINESS_START, ...peers],
        configClient: true,
        scaling: "horizontal",
        tier: "business",
        database: name.replace(/-/g, "_"),
    };
}

/** Manual 7.1/7.2: the numbers every scalable service gets unless a stack says otherwise. */
export const MANUAL_AUTOSCALING = { minReplicas: 2, maxReplicas: 10, targetCPUUtilization: 70 } as const;

export const MANUAL_RESOURCES = {
    requests: { cpu: "500m", memory: "512Mi" },
    limits: { cpu: "1000m", memory: "1Gi" },
} as const;

/** Spring Boot actuator paths, relative to a service's context path (manual 4.1). */
export const ACTUATOR = {
    health: "/actuator/health",
    liveness: "/actuator/health/liveness",
    readiness: "/actuator/health/readiness",
    metrics: "/actuator/prometheus",
} as const;

/**
 * The manual's PostgreSQL: `kubectl get pods | grep postgres`, `nc -zv postgres-service 5432`,
 * `psql -U postgres`, `pg_dumpall -U postgres` (sections 5.1, 6.3, 9.2).
 */
export const POSTGRES = {
    name: "postgres",
    serviceName: "postgres-service",
    port: 5432,
    superuser: "postgres",
} as const;

/**
 * The public images carry only the H2 and MySQL drivers (reference-system.md, "Databases"):
 * with these, the PostgreSQL datasource cannot work.
 */
export const PUBLIC_IMAGE_PREFIX = "docker.io/selimhorri/";

/** Whether an image is one of the public ones, however its reference spells Docker Hub. */
export function isPublicImage(image: string): boolean {
    const ref = parseImageRef(image);
    return ref !== undefined && canonicalRepository(ref).startsWith(PUBLIC_IMAGE_PREFIX);
}

/** Business services and the database each owns. */
export function databaseOwners(): readonly (ServiceSpec & { readonly database: string })[] {
    return SERVICES.filter((s): s is ServiceSpec & { database: string } => s.database !== undefined);
}

export function serviceSpec(name: ServiceName): ServiceSpec {
    const spec = SERVICES.find((s) => s.name === name);
    if (!spec) {
        throw new Error(`no catalog entry for ${name}`);
    }
    return spec;
}

export function actuatorPath(spec: ServiceSpec, endpoint: keyof typeof ACTUATOR): string {
    return `${spec.contextPath}${ACTUATOR[endpoint]}`;
}

/** In-cluster base URL of a service, e.g. `http://cloud-config:8888`. */
export function serviceUrl(spec: { readonly name: string; readonly port: number }): string {
    return `http://${spec.name}:${spec.port}`;
}
