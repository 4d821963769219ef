import * as k8s from "@pulumi/kubernetes";
import { dataClaimTemplate, headlessService, KEEP_SERVICE_NAME } from "../shared/stateful";
import * as pulumi from "@pulumi/pulumi";
import { Children } from "../shared/naming";
import type { Tool } from "../../catalog/observability";
import type { ToolSettings } from "../../settings";
import { selectorLabels, standardLabels, versionOf } from "../shared/labels";
import { CONFIG_DIGEST_ANNOTATION, shortDigest } from "../shared/secret-digest";
import { awaitAnnotations, restrictedContainerSecurity, restrictedPodSecurity, SCRATCH, scratchVolume, withScratch } from "../shared/pod";

import Input = k8s.types.input.core.v1;

export interface ToolWorkloadArgs {
    readonly namespace: pulumi.Input<string>;
    readonly stack: string;
    readonly tool: Tool;
    readonly settings: ToolSettings;
    /** User the image runs as (its own non-root user). */
    readonly uid: number;
    readonly env?: Input.EnvVar[];
    readonly args?: string[];
    /** Name of the Service and container port (the protocol it speaks). */
    readonly portName?: string;
    /** A separate port for the probes, when the tool serves its health elsewhere (Logstash's API). */
    readonly probePort?: { readonly name: string; readonly port: number };
    readonly readinessPath: string;
    readonly livenessPath?: string;
    /** Seconds the tool may take to start before liveness applies. */
    readonly startupSeconds?: number;
    readonly volumes?: Input.Volume[];
    readonly mounts?: Input.VolumeMount[];
    /** Persistent data: makes the workload a StatefulSet with a claim of this size. */
    readonly storage?: { readonly size: string; readonly storageClass?: string; readonly mountPath: string };
    readonly serviceAccountName?: pulumi.Input<string>;
    /** Images that write next to their binaries (Elasticsearch's keystore) need a writable root. */
    readonly writableRoot?: boolean;
    /** Configuration the pods read: its digest rolls the pods when it changes. */
    readonly configDigestOf?: readonly string[];
    /** More pod-template annotations (a secret digest). */
    readonly podAnnotations?: Record<string, pulumi.Input<string>>;
    readonly initContainers?: Input.Container[];
    readonly skipAwait: boolean;
}

/**
 * A supporting tool (Zipkin, Prometheus, Grafana, the ELK stack): one container on the
 * manual's port behind a ClusterIP Service of the tool's name, non-root, with probes and
 * resources; a StatefulSet with its own volume when it keeps data.
 */
export class ToolWorkload extends pulumi.ComponentResource {
    readonly service: k8s.core.v1.Service;
    readonly workload: k8s.apps.v1.Deployment | k8s.apps.v1.StatefulSet;
    readonly url: string;

    constructor(name: string, args: ToolWorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ecommerce:k8s:ToolWorkload", name, {}, opts);
        const { tool, settings } = args;
        const labels = standardLabels({ name: tool.name, component: "observability", instance: args.stack, version: versionOf(settings.image) });
        const metadata = { name: tool.name, namespace: args.namespace, labels };
        // The tool's objects carry its name in the namespace; in Pulumi, this component's.
        const children = new Children(name, this);
        const own = children.main(tool.name);
        const portName = args.portName ?? "http";
        const probePortName = args.probePort?.name ?? portName;
        const http = (path: string) => ({ httpGet: { path, port: probePortName } });
        const startupPeriods = Math.ceil((args.startupSeconds ?? 120) / 10);
        // Where the health endpoint reports other tools (the catalog says which), liveness and
        // start-up only ask whether the process answers: an Elasticsearch outage must make
        // Zipkin and Kibana unready, not restart them, nor kill them while it starts.
        const alive = tool.healthReports?.length
            ? { tcpSocket: { port: probePortName } }
            : http(args.livenessPath ?? args.readinessPath);
        const digest: Record<string, string> = args.configDigestOf
            ? { [CONFIG_DIGEST_ANNOTATION]: shortDigest(args.configDigestOf) }
            : {};

        // Its own identity; an API token only where the tool reads the API (Prometheus).
        const account =
            args.serviceAccountName ??
            new k8s.core.v1.ServiceAccount(own.name, { metadata, automountServiceAccountToken: false }, own.opts).metadata.name;
        const podSpec: Input.PodSpec = {
            automountServiceAccountToken: args.serviceAccountName !== undefined,
            serviceAccountName: account,
            ...(args.initContainers ? { initContainers: args.initContainers } : {}),
            securityContext: restrictedPodSecurity(args.uid),
            containers: [
                {
                    name: tool.name,
                    image: settings.image,
                    ...(args.args ? { args: args.args } : {}),
                    ports: [
                        { name: portName, containerPort: tool.port, protocol: "TCP" },
                        ...(args.probePort ? [{ name: args.probePort.name, containerPort: args.probePort.port, protocol: "TCP" }] : []),
                    ],
                    env: args.env ?? [],
                    resources: withScratch(settings.resources, args.writableRoot ? SCRATCH.writableRootLimit : SCRATCH.limit),
                    startupProbe: { ...alive, periodSeconds: 10, failureThreshold: startupPeriods },
                    readinessProbe: { ...http(args.readinessPath), periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
                    livenessProbe: { ...alive, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
                    securityContext: restrictedContainerSecurity(!args.writableRoot),
                    volumeMounts: [
                        { name: "tmp", mountPath: "/tmp" },
                        ...(args.storage ? [{ name: "data", mountPath: args.storage.mountPath }] : []),
                        ...(args.mounts ?? []),
                    ],
                },
            ],
            volumes: [scratchVolume("tmp", "1Gi"), ...(args.volumes ?? [])],
        };
        const template = { metadata: { labels, annotations: { ...digest, ...args.podAnnotations } }, spec: podSpec };
        const annotations = awaitAnnotations(args.skipAwait);
        const selector = { matchLabels: selectorLabels(tool.name) };

        // A component's dependsOn orders only the component, not its children: the pods wait
        // for what they mount (the caller's ConfigMaps and Secrets) through the workload's own.
        const after = opts?.dependsOn ? { dependsOn: opts.dependsOn } : {};
        const peers = args.storage ? headlessService(tool.name, metadata, selectorLabels(tool.name), [{ name: portName, port: tool.port, targetPort: portName, protocol: "TCP" }], children) : undefined;
        const storage = args.storage;
        this.workload = peers && storage
            ? new k8s.apps.v1.StatefulSet(
                  own.name,
                  {
                      metadata: { ...metadata, annotations },
                      spec: {
                          serviceName: peers.metadata.name,
                          replicas: 1,
                          selector,
                          persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
                          template,
                          volumeClaimTemplates: [dataClaimTemplate(labels, storage.size, storage.storageClass)],
                      },
                  },
                  { ...own.opts, ...KEEP_SERVICE_NAME, ...after },
              )
            : new k8s.apps.v1.Deployment(
                  own.name,
                  { metadata: { ...metadata, annotations }, spec: { replicas: 1, selector, template } },
                  { ...own.opts, ...after },
              );

        this.service = new k8s.core.v1.Service(
            own.name,
            {
                metadata: args.skipAwait ? { ...metadata, annotations } : metadata,
                spec: {
                    type: "ClusterIP",
                    selector: selectorLabels(tool.name),
                    ports: [{ name: portName, port: tool.port, targetPort: portName, protocol: "TCP" }],
                },
            },
            own.opts,
        );
        this.url = `http://${tool.name}:${tool.port}`;
        this.registerOutputs({ url: this.url });
    }
}
