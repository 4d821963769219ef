import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Children } from "../shared/naming";
import { stringify } from "yaml";
import { ELASTICSEARCH, KIBANA, LOGGING_SUFFIX, LOGSTASH } from "../../catalog/observability";
import type { ObservabilitySettings } from "../../settings";
import { PART_OF, selectorLabels, standardLabels } from "../shared/labels";
import { awaitAnnotations, envVars, withScratch } from "../shared/pod";
import { ELASTICSEARCH_URL, elasticsearchEnv, kibanaEnv, logstashEnv } from "./tool-env";
import { SHIPPER_HTTP_PORT, filebeatConfig, logstashPipeline } from "./log-pipeline";
import { KibanaSetup } from "./kibana-setup";
import { ToolWorkload } from "./tool-workload";

export interface LoggingArgs {
    readonly namespaceName: string;
    readonly namespace: pulumi.Input<string>;
    readonly stack: string;
    readonly settings: NonNullable<ObservabilitySettings["logging"]>;
    readonly skipAwait: boolean;
    /** An image with sh and wget, for the Job that sets Kibana up. */
    readonly setupImage: string;
}

/** Where the log shipper runs: it reads the nodes' log files, which no restricted pod may. */
export function shipperNamespace(namespace: string): string {
    return `${namespace}${LOGGING_SUFFIX}`;
}

const SHIPPER = "log-shipper";
const ELASTIC_UID = 1000;

/**
 * Elasticsearch (single node, no privileged init container), Logstash parsing the services'
 * log lines into the manual's fields, Kibana on 5601 with the manual's data view and
 * searches, and a Filebeat DaemonSet shipping the stack namespace's container logs to
 * Logstash.
 */
export class Logging extends pulumi.ComponentResource {
    readonly elasticsearch: ToolWorkload;
    readonly logstash: ToolWorkload;
    readonly kibana: ToolWorkload;
    readonly shipper: k8s.apps.v1.DaemonSet;

    constructor(name: string, args: LoggingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ecommerce:k8s:Logging", name, {}, opts);
        const { settings } = args;
        const common = { namespace: args.namespace, stack: args.stack, uid: ELASTIC_UID, skipAwait: args.skipAwait };

        const children = new Children(name, this);
        const elasticsearch = children.of(ELASTICSEARCH.name);
        this.elasticsearch = new ToolWorkload(
            elasticsearch.name,
            {
                ...common,
                tool: ELASTICSEARCH,
                settings: settings.elasticsearch,
                env: envVars(elasticsearchEnv(args.stack, settings.elasticsearch.heapSize)),
                readinessPath: "/_cluster/health?local=true",
                startupSeconds: 300,
                storage: {
                    size: settings.elasticsearch.storageSize,
                    storageClass: settings.elasticsearch.storageClass,
                    mountPath: "/usr/share/elasticsearch/data",
                },
                // The image writes its keystore next to its configuration at start.
                writableRoot: true,
            },
            elasticsearch.opts,
        );

        const pipeline = logstashPipeline(LOGSTASH.port, ELASTICSEARCH_URL);
        const pipelineChild = children.of("logstash-pipeline");
        const pipelineMap = new k8s.core.v1.ConfigMap(
            pipelineChild.name,
            {
                metadata: { name: "logstash-pipeline", namespace: args.namespace, labels: standardLabels({ name: LOGSTASH.name, component: "observability", instance: args.stack }) },
                data: { "logstash.conf": pipeline },
            },
            pipelineChild.opts,
        );
        const logstash = children.of(LOGSTASH.name);
        this.logstash = new ToolWorkload(
            logstash.name,
            {
                ...common,
                tool: LOGSTASH,
                settings: settings.logstash,
                portName: "beats",
                probePort: { name: "api", port: 9600 },
                env: envVars(logstashEnv(settings.logstash.heapSize)),
                readinessPath: "/",
                startupSeconds: 300,
                volumes: [{ name: "pipeline", configMap: { name: "logstash-pipeline" } }],
                mounts: [{ name: "pipeline", mountPath: "/usr/share/logstash/pipeline", readOnly: true }],
                // The entrypoint writes logstash.yml from the environment.
                writableRoot: true,
                configDigestOf: [pipeline],
            },
            { ...logstash.opts, dependsOn: [pipelineMap] },
        );

        const kibana = children.of(KIBANA.name);
        this.kibana = new ToolWorkload(
            kibana.name,
            {
                ...common,
                tool: KIBANA,
                settings: settings.kibana,
                env: envVars(kibanaEnv(args.stack)),
                readinessPath: KIBANA.healthPath!,
                startupSeconds: 300,
                writableRoot: true,
            },
            kibana.opts,
        );

        const setup = children.of("kibana-setup");
        new KibanaSetup(setup.name, { namespace: args.namespace, stack: args.stack, image: args.setupImage, skipAwait: args.skipAwait, after: [this.kibana] }, setup.opts);

        this.shipper = this.declareShipper(args, children);
        this.registerOutputs({});
    }

    /** Filebeat in a namespace of its own (host log files break the restricted standard). */
    private declareShipper(args: LoggingArgs, children: Children): k8s.apps.v1.DaemonSet {
        const ns = shipperNamespace(args.namespaceName);
        const labels = standardLabels({ name: SHIPPER, component: "observability", instance: args.stack });
        const clusterName = `${args.namespaceName}-${SHIPPER}`;
        // One child name for the shipper's objects (each of its own kind); its namespace apart.
        const shipper = children.of(SHIPPER);
        const reader = children.of(SHIPPER, clusterName);
        const space = children.of("shipper-namespace", ns);
        const namespace = new k8s.core.v1.Namespace(
            space.name,
            {
                metadata: {
                    name: ns,
                    labels: {
                        "app.kubernetes.io/part-of": PART_OF,
                        "app.kubernetes.io/managed-by": "pulumi",
                        "pod-security.kubernetes.io/enforce": "privileged",
                        "pod-security.kubernetes.io/warn": "baseline",
                    },
                },
            },
            space.opts,
        );
        const inNs = { ...shipper.opts, dependsOn: [namespace] };
        const account = new k8s.core.v1.ServiceAccount(shipper.name, { metadata: { name: SHIPPER, namespace: ns, labels }, automountServiceAccountToken: false }, inNs);
        const role = new k8s.rbac.v1.ClusterRole(
            reader.name,
            {
                metadata: { name: clusterName, labels },
                rules: [
                    { apiGroups: [""], resources: ["pods", "namespaces", "nodes"], verbs: ["get", "list", "watch"] },
                    { apiGroups: ["apps"], resources: ["replicasets"], verbs: ["get", "list", "watch"] },
                ],
            },
            reader.opts,
        );
        new k8s.rbac.v1.ClusterRoleBinding(
            reader.name,
            {
                metadata: { name: clusterName, labels },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterName },
                subjects: [{ kind: "ServiceAccount", name: SHIPPER, namespace: ns }],
            },
            { ...reader.opts, dependsOn: [role, account] },
        );
        const config = stringify(filebeatConfig(args.namespaceName, `${LOGSTASH.name}.${args.namespaceName}.svc:${LOGSTASH.port}`));
        const shipperConfig = new k8s.core.v1.ConfigMap(shipper.name, { metadata: { name: SHIPPER, namespace: ns, labels }, data: { "filebeat.yml": config } }, inNs);
        const hostPath = (name: string, path: string, type: string) => ({ name, hostPath: { path, type } });
        return new k8s.apps.v1.DaemonSet(
            shipper.name,
            {
                metadata: { name: SHIPPER, namespace: ns, labels, annotations: awaitAnnotations(args.skipAwait) },
                spec: {
                    selector: { matchLabels: selectorLabels(SHIPPER) },
                    template: {
                        metadata: { labels },
                        spec: {
                            serviceAccountName: SHIPPER,
                            // add_kubernetes_metadata reads the API; the account itself mounts no token.
                            automountServiceAccountToken: true,
                            // Every node, control plane included: pods of the stack may run anywhere.
                            tolerations: [{ operator: "Exists" }],
                            // Reading other containers' log files takes root (they are root's, 0640) and no
                            // capability: the owner's permission bits suffice. DAC_READ_SEARCH would also let the
                            // default seccomp profile allow open_by_handle_at, the "Shocker" escape to the node's files.
                            securityContext: { runAsUser: 0, runAsNonRoot: false, seccompProfile: { type: "RuntimeDefault" } },
                            containers: [
                                {
                                    name: SHIPPER,
                                    image: args.settings.shipper.image,
                                    args: ["-c", "/etc/filebeat/filebeat.yml", "-e"],
                                    env: [{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
                                    ports: [{ name: "http", containerPort: SHIPPER_HTTP_PORT, protocol: "TCP" }],
                                    readinessProbe: { httpGet: { path: "/", port: "http" }, periodSeconds: 10, failureThreshold: 3 },
                                    livenessProbe: { httpGet: { path: "/", port: "http" }, periodSeconds: 20, failureThreshold: 6 },
                                    resources: withScratch(args.settings.shipper.resources),
                                    securityContext: {
                                        allowPrivilegeEscalation: false,
                                        privileged: false,
                                        readOnlyRootFilesystem: true,
                                        capabilities: { drop: ["ALL"] },
                                    },
                                    volumeMounts: [
                                        { name: "config", mountPath: "/etc/filebeat", readOnly: true },
                                        { name: "varlog", mountPath: "/var/log", readOnly: true },
                                        { name: "containers", mountPath: "/var/lib/docker/containers", readOnly: true },
                                        { name: "registry", mountPath: "/usr/share/filebeat/data" },
                                    ],
                                },
                            ],
                            volumes: [
                                { name: "config", configMap: { name: SHIPPER } },
                                hostPath("varlog", "/var/log", "Directory"),
                                hostPath("containers", "/var/lib/docker/containers", "DirectoryOrCreate"),
                                // Where it has read to, so a restart does not ship everything again.
                                hostPath("registry", `/var/lib/${clusterName}`, "DirectoryOrCreate"),
                            ],
                        },
                    },
                },
            },
            { ...inNs, dependsOn: [namespace, shipperConfig] },
        );
    }
}
