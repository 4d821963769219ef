import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SERVICES, type ServiceName } from "../../catalog";
import type { Settings } from "../../settings";
import { datasourceWiring } from "../postgres/datasource";
import { GatewayIngress } from "./gateway-ingress";
import { standardLabels } from "../shared/labels";
import { Microservice } from "./microservice";
import { secretDigest, shortDigest } from "../shared/secret-digest";
import { Children } from "../shared/naming";
import { NATIVE_CONFIG_DIR } from "../shared/spring-env";
import type { DatabaseEndpoint } from "../postgres/server";

export interface ApplicationTierArgs {
    readonly namespace: pulumi.Input<string>;
    readonly settings: Settings;
    /** The database, when services keep their data in PostgreSQL (datasource `postgres`). */
    readonly database?: DatabaseEndpoint;
    /** The workload behind `database`, which the services' `wait-for-postgres` gate waits for. */
    readonly databaseServer?: pulumi.Resource;
    /** Images the stack builds, by service name (imageBuild). */
    readonly builtImages?: Readonly<Record<string, pulumi.Input<string>>>;
    /** What must complete before any Deployment changes (the pre-upgrade backup). */
    readonly deploymentsAfter?: readonly pulumi.Resource[];
    /** Each business service's database password, whose digest rolls its pods on rotation. */
    readonly databasePasswords?: Readonly<Record<string, pulumi.Output<string>>>;
}

/**
 * The ten services of the manual, one Microservice each, and the Ingress to the gateway.
 *
 * Each Deployment depends, for Pulumi, on every workload its init containers wait for
 * (what it `startsAfter`, and PostgreSQL). `pulumi up` awaits each Deployment's readiness
 * while holding one of its `--parallel` slots (4 per CPU by default): left to chance, the
 * eight Deployments that wait for cloud-config filled the 8 slots of a 2-CPU machine
 * before cloud-config's own Deployment had one, and nothing moved until the rollout timeout.
 */
export class ApplicationTier extends pulumi.ComponentResource {
    readonly services: Readonly<Record<ServiceName, Microservice>>;
    /** Every Deployment, for what must wait until all services are up (the smoke test). */
    readonly deployments: readonly pulumi.Resource[];
    /** External URL of the API Gateway when the Ingress has a host. */
    readonly gatewayUrl?: pulumi.Output<string>;

    constructor(name: string, args: ApplicationTierArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ecommerce:k8s:ApplicationTier", name, {}, opts);
        const { settings } = args;
        const services = {} as Record<ServiceName, Microservice>;
        const children = new Children(name, this);
        const configFiles = this.configServerFiles(args, children);
        for (const spec of SERVICES) {
            const datasource = args.database ? datasourceWiring(spec, args.database) : undefined;
            const service = children.of(spec.name);
            services[spec.name] = new Microservice(
                service.name,
                {
                    namespace: args.namespace,
                    stack: settings.stack,
                    service: settings.services[spec.name],
                    springProfile: settings.springProfile,
                    javaToolOptions: settings.javaToolOptions,
                    sampleProbability: settings.observability.tracing?.sampleProbability,
                    waitImage: settings.waitImage,
                    skipAwait: settings.skipAwait,
                    spread: settings.spread,
                    rolloutTimeoutSeconds: settings.rolloutTimeoutSeconds,
                    extraEnv: datasource?.env,
                    extraGates: datasource?.gates,
                    builtImage: args.builtImages?.[spec.name],
                    nativeConfigDir: configFiles ? NATIVE_CONFIG_DIR : undefined,
                    after: [
                        ...(args.deploymentsAfter ?? []),
                        ...spec.startsAfter.map((before) => startedFirst(services, before, spec.name)),
                        ...(datasource && args.databaseServer ? [args.databaseServer] : []),
                    ],
                    files: spec.name === "cloud-config" ? configFiles : undefined,
                    secretDigest:
                        args.database && args.databasePasswords?.[spec.name]
                            ? secretDigest([args.databasePasswords[spec.name]!])
                            : undefined,
                },
                service.opts,
            );
        }
        this.services = services;
        this.deployments = Object.values(services).map((s) => s.deployment);

        if (settings.ingress) {
            const gateway = services["api-gateway"];
            const edge = children.of("ingress");
            const ingress = new GatewayIngress(
                edge.name,
                {
                    namespace: args.namespace,
                    gateway: settings.services["api-gateway"].spec,
                    ingress: settings.ingress,
                    labels: standardLabels({ name: "api-gateway", component: "edge", instance: settings.stack }),
                    skipAwait: settings.skipAwait,
                },
                { ...edge.opts, dependsOn: [gateway.service] },
            );
            this.gatewayUrl = ingress.url;
        }
        this.registerOutputs({ gatewayUrl: this.gatewayUrl });
    }

    /** cloud-config's files, when it serves a folder of this project instead of cloning Git. */
    private configServerFiles(args: ApplicationTierArgs, children: Children): { configMap: string; mountPath: string; digest: string } | undefined {
        const source = args.settings.configServer;
        if (source.kind !== "native") {
            return undefined;
        }
        const name = "cloud-config-files";
        const files = children.of(name);
        new k8s.core.v1.ConfigMap(
            files.name,
            {
                metadata: { name, namespace: args.namespace, labels: standardLabels({ name, component: "platform", instance: args.settings.stack }) },
                data: { ...source.files },
            },
            files.opts,
        );
        return { configMap: name, mountPath: NATIVE_CONFIG_DIR, digest: shortDigest(Object.entries(source.files).flat()) };
    }
}

/** The Deployment a service starts after; the catalog lists it earlier, so it is declared. */
function startedFirst(services: Readonly<Partial<Record<ServiceName, Microservice>>>, before: ServiceName, name: ServiceName): k8s.apps.v1.Deployment {
    const service = services[before];
    if (!service) throw new Error(`catalog: ${name} starts after ${before}, which the catalog lists after it`);
    return service.deployment;
}
