import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { serviceUrl } from "../../catalog";
import { formatMemory, parseMemory } from "../../lib/quantity";
import type { ServiceSettings } from "../../settings";
import { selectorLabels, standardLabels, versionOf } from "../shared/labels";
import { awaitAnnotations, envVars, type Gate, ROLLOUT_SURGE, restrictedContainerSecurity, restrictedPodSecurity, serviceGate, type Spread, spreadConstraints, springProbes, waitFor, withScratch } from "../shared/pod";
import { CONFIG_DIGEST_ANNOTATION, RESTARTED_AT_ANNOTATION, SECRET_DIGEST_ANNOTATION } from "../shared/secret-digest";
import { Children } from "../shared/naming";
import { DRAIN_SECONDS, SHUTDOWN_SECONDS } from "../shared/discovery";
import { springEnvironment, type SpringPlatform } from "../shared/spring-env";

export interface MicroserviceArgs extends SpringPlatform {
    readonly namespace: pulumi.Input<string>;
    readonly stack: string;
    readonly service: ServiceSettings;
    /** Image of the init containers that wait for dependencies. */
    readonly waitImage: string;
    /** Do not wait for pods to become ready (clusters where pods cannot run). */
    readonly skipAwait: boolean;
    /** How long `pulumi up` waits for a rollout, start-up gates included. */
    readonly rolloutTimeoutSeconds: number;
    /** Wiring beyond the Spring platform's, such as the datasource and its secret. */
    readonly extraEnv?: readonly EnvVar[];
    /** What must be reachable besides the catalog's start-order dependencies. */
    readonly extraGates?: readonly Gate[];
    /** Failure domains to spread the pods over, when more than one runs. */
    readonly spread: Spread;
    /** Digest of the secret values the pods read: a change (rotation) rolls them. */
    readonly secretDigest?: pulumi.Input<string>;
    /** An image built by the stack (imageBuild), in place of the configured reference. */
    readonly builtImage?: pulumi.Input<string>;
    /** What must complete before the Deployment changes (the pre-upgrade backup). */
    readonly after?: readonly pulumi.Resource[];
    /** Files the service reads, from a ConfigMap; their digest rolls the pods when they change. */
    readonly files?: { readonly configMap: string; readonly mountPath: string; readonly digest: string };
}

type EnvVar = k8s.types.input.core.v1.EnvVar;

/** Later entries replace earlier ones of the same name, so config overrides always win. */
export function mergeEnv(base: readonly EnvVar[], overrides: Readonly<Record<string, string>>): EnvVar[] {
    const merged = new Map<pulumi.Input<string>, EnvVar>(base.map((e) => [e.name, e]));
    for (const [name, value] of Object.entries(overrides)) {
        merged.set(name, { name, value });
    }
    return [...merged.values()];
}

const PORT_NAME = "http";

/**
 * One service of the manual: Deployment and Service under the manual's name, an HPA and
 * a PodDisruptionBudget when more than one pod runs.
 */
export class Microservice extends pulumi.ComponentResource {
    readonly deployment: k8s.apps.v1.Deployment;
    readonly serviceAccount: k8s.core.v1.ServiceAccount;
    readonly service: k8s.core.v1.Service;
    readonly autoscaler?: k8s.autoscaling.v2.HorizontalPodAutoscaler;
    readonly disruptionBudget?: k8s.policy.v1.PodDisruptionBudget;
    /** In-cluster URL, e.g. `http://order-service:8083`. */
    readonly url: pulumi.Output<string>;

    constructor(name: string, args: MicroserviceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ecommerce:k8s:Microservice", name, {}, opts);
        const { spec, replicas } = args.service;
        const labels = standardLabels({
            name: spec.name,
            component: spec.tier,
            instance: args.stack,
            version: versionOf(args.service.image),
        });
        const metadata = { name: spec.name, namespace: args.namespace, labels };
        const env = mergeEnv([...envVars(springEnvironment(spec, args)), ...(args.extraEnv ?? [])], args.service.env);
        const memoryLimit = parseMemory(args.service.resources.limits.memory) ?? 0;

        // Its own identity, with no API token: none of the services talks to the Kubernetes API.
        // Every object is the service's own, under its manual name in the namespace.
        const own = new Children(name, this).main(spec.name);
        this.serviceAccount = new k8s.core.v1.ServiceAccount(own.name, { metadata, automountServiceAccountToken: false }, own.opts);
        const podAnnotations: Record<string, pulumi.Input<string>> = {
            ...(args.service.restartedAt ? { [RESTARTED_AT_ANNOTATION]: args.service.restartedAt } : {}),
            ...(args.secretDigest ? { [SECRET_DIGEST_ANNOTATION]: args.secretDigest } : {}),
            ...(args.files ? { [CONFIG_DIGEST_ANNOTATION]: args.files.digest } : {}),
        };

        const multiple = replicas.kind === "fixed" ? replicas.count > 1 : replicas.maxReplicas > 1;
        // A replaced replica keeps serving until every caller has learnt of its successor
        // (components/shared/discovery.ts); a singleton has no successor to wait for.
        const drains = spec.scaling === "horizontal";
        const constraints = spreadConstraints(args.spread, selectorLabels(spec.name));
        this.deployment = new k8s.apps.v1.Deployment(
            own.name,
            {
                metadata: {
                    ...metadata,
                    annotations: awaitAnnotations(args.skipAwait, args.rolloutTimeoutSeconds),
                },
                spec: {
                    // Left out under an HPA: server-side apply would otherwise fight the autoscaler.
                    ...(replicas.kind === "fixed" ? { replicas: replicas.count } : {}),
                    revisionHistoryLimit: 10,
                    selector: { matchLabels: selectorLabels(spec.name) },
                    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: ROLLOUT_SURGE, maxUnavailable: 0 } },
                    template: {
                        metadata: { labels, annotations: podAnnotations },
                        spec: {
                            serviceAccountName: spec.name,
                            automountServiceAccountToken: false,
                            ...(drains ? { terminationGracePeriodSeconds: DRAIN_SECONDS + SHUTDOWN_SECONDS } : {}),
                            securityContext: restrictedPodSecurity(),
                            ...(multiple && constraints.length > 0 ? { topologySpreadConstraints: constraints } : {}),
                            initContainers: waitFor([...spec.startsAfter.map(serviceGate), ...(args.extraGates ?? [])], args.waitImage),
                            containers: [
                                {
                                    name: spec.name,
                                    image: args.builtImage ?? args.service.image,
                                    ports: [{ name: PORT_NAME, containerPort: spec.port, protocol: "TCP" }],
                                    env,
                                    resources: withScratch(args.service.resources),
                                    ...springProbes(spec, PORT_NAME),
                                    ...(drains ? { lifecycle: { preStop: { exec: { command: ["sleep", String(DRAIN_SECONDS)] } } } } : {}),
                                    securityContext: restrictedContainerSecurity(),
                                    volumeMounts: [
                                        { name: "tmp", mountPath: "/tmp" },
                                        ...(args.files ? [{ name: "files", mountPath: args.files.mountPath, readOnly: true }] : []),
                                    ],
                                },
                            ],
                            // Writable scratch for Tomcat and the JVM, with room for a heap dump (manual 5.1).
                            volumes: [
                                { name: "tmp", emptyDir: { sizeLimit: formatMemory(memoryLimit * 2) } },
                                ...(args.files ? [{ name: "files", configMap: { name: args.files.configMap } }] : []),
                            ],
                        },
                    },
                },
            },
            { ...own.opts, dependsOn: [this.serviceAccount, ...(args.after ?? [])] },
        );

        this.service = new k8s.core.v1.Service(
            own.name,
            {
                // With skipAwait no pod will ever be an endpoint to wait for.
                metadata: args.skipAwait ? { ...metadata, annotations: awaitAnnotations(true) } : metadata,
                spec: {
                    type: "ClusterIP",
                    selector: selectorLabels(spec.name),
                    ports: [{ name: PORT_NAME, port: spec.port, targetPort: PORT_NAME, protocol: "TCP" }],
                },
            },
            own.opts,
        );

        if (replicas.kind === "autoscaled") {
            this.autoscaler = new k8s.autoscaling.v2.HorizontalPodAutoscaler(
                own.name,
                {
                    metadata,
                    spec: {
                        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: spec.name },
                        minReplicas: replicas.minReplicas,
                        maxReplicas: replicas.maxReplicas,
                        behavior: {
                            scaleUp: { stabilizationWindowSeconds: replicas.scaleUpStabilizationSeconds },
                            scaleDown: { stabilizationWindowSeconds: replicas.scaleDownStabilizationSeconds },
                        },
                        metrics: [
                            {
                                type: "Resource",
                                resource: {
                                    name: "cpu",
                                    target: { type: "Utilization", averageUtilization: replicas.targetCPUUtilization },
                                },
                            },
                        ],
                    },
                },
                { ...own.opts, dependsOn: [this.deployment] },
            );
        }

        const minimumPods = replicas.kind === "fixed" ? replicas.count : replicas.minReplicas;
        if (minimumPods > 1) {
            this.disruptionBudget = new k8s.policy.v1.PodDisruptionBudget(
                own.name,
                { metadata, spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(spec.name) } } },
                own.opts,
            );
        }

        this.url = pulumi.output(serviceUrl(spec));
        this.registerOutputs({ url: this.url });
    }
}
