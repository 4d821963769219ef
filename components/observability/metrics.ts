import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Children } from "../shared/naming";
import { stringify } from "yaml";
import { GRAFANA, PROMETHEUS } from "../../catalog/observability";
import type { ObservabilitySettings } from "../../settings";
import { standardLabels } from "../shared/labels";
import { generatedPassword } from "../shared/passwords";
import { restrictedContainerSecurity, withScratch } from "../shared/pod";
import { SECRET_DIGEST_ANNOTATION, secretDigest } from "../shared/secret-digest";
import { DASHBOARDS_DIR, grafanaDashboards, grafanaProvisioning } from "./grafana-files";
import { CONFIG_DIR, RULES_FILE, alertRules, prometheusConfig } from "./prometheus-config";
import { ToolWorkload } from "./tool-workload";

export interface MetricsArgs {
    /** The stack's namespace as a plain string: scrape discovery is limited to it. */
    readonly namespaceName: string;
    readonly namespace: pulumi.Input<string>;
    readonly stack: string;
    readonly settings: NonNullable<ObservabilitySettings["metrics"]>;
    /** Which other tools Grafana gets as datasources. */
    readonly tracing: boolean;
    readonly logging: boolean;
    /** Whether Alertmanager runs, to send the alerts to. */
    readonly alerting: boolean;
    readonly skipAwait: boolean;
    /** Bumping it regenerates the admin password. */
    readonly secretsRotation: number;
}

export const GRAFANA_SECRET = "grafana-admin";

/**
 * Prometheus (9090) scraping every catalog service through the Kubernetes API, with the SLA
 * alert rules, and Grafana (3000) with its datasources and the manual's dashboard
 * provisioned, behind a generated admin password.
 */
export class Metrics extends pulumi.ComponentResource {
    readonly prometheus: ToolWorkload;
    /** Undefined when the stack turns Grafana off (metrics.grafana.enabled: false). */
    readonly grafana?: ToolWorkload;
    /** Grafana's admin password, secret; undefined without Grafana. */
    readonly grafanaAdminPassword?: pulumi.Output<string>;

    constructor(name: string, args: MetricsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ecommerce:k8s:Metrics", name, {}, opts);
        const { settings } = args;
        const meta = (objectName: string, component = "observability") => ({
            name: objectName,
            namespace: args.namespace,
            labels: standardLabels({ name: objectName, component, instance: args.stack }),
        });
        const children = new Children(name, this);

        // Pod discovery through the API, read-only and limited to the stack's namespace.
        // Prometheus's identity and its right to discover pods: one child name, three kinds.
        const reader = children.of(PROMETHEUS.name);
        const account = new k8s.core.v1.ServiceAccount(reader.name, { metadata: meta(PROMETHEUS.name), automountServiceAccountToken: false }, reader.opts);
        const role = new k8s.rbac.v1.Role(
            reader.name,
            {
                metadata: meta(PROMETHEUS.name),
                rules: [{ apiGroups: [""], resources: ["pods", "services", "endpoints"], verbs: ["get", "list", "watch"] }],
            },
            reader.opts,
        );
        new k8s.rbac.v1.RoleBinding(
            reader.name,
            {
                metadata: meta(PROMETHEUS.name),
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: PROMETHEUS.name },
                subjects: [{ kind: "ServiceAccount", name: PROMETHEUS.name, namespace: args.namespace }],
            },
            { ...reader.opts, dependsOn: [role, account] },
        );

        const promFiles = {
            "prometheus.yml": stringify(prometheusConfig({ kind: "kubernetes", namespace: args.namespaceName }, args.namespaceName, args.alerting)),
            [RULES_FILE]: stringify(alertRules(settings.alerts)),
        };
        const promConfigChild = children.of("prometheus-config");
        const promConfig = new k8s.core.v1.ConfigMap(promConfigChild.name, { metadata: meta("prometheus-config"), data: promFiles }, promConfigChild.opts);
        this.prometheus = new ToolWorkload(
            reader.name,
            {
                namespace: args.namespace,
                stack: args.stack,
                tool: PROMETHEUS,
                settings: settings.prometheus,
                uid: 65534,
                serviceAccountName: account.metadata.name,
                args: [
                    `--config.file=${CONFIG_DIR}/prometheus.yml`,
                    "--storage.tsdb.path=/prometheus",
                    `--storage.tsdb.retention.time=${settings.retention}`,
                ],
                readinessPath: "/-/ready",
                livenessPath: "/-/healthy",
                storage: { size: settings.prometheus.storageSize, storageClass: settings.prometheus.storageClass, mountPath: "/prometheus" },
                volumes: [{ name: "config", configMap: { name: "prometheus-config" } }],
                mounts: [{ name: "config", mountPath: CONFIG_DIR, readOnly: true }],
                configDigestOf: Object.values(promFiles),
                skipAwait: args.skipAwait,
            },
            { ...reader.opts, dependsOn: [promConfig] },
        );

        if (settings.grafana) {
            const grafana = this.declareGrafana(settings.grafana, args, meta, children);
            this.grafana = grafana.workload;
            this.grafanaAdminPassword = grafana.adminPassword;
        }
        this.registerOutputs({});
    }

    /** Grafana (3000) with its datasources and the manual's dashboard, behind a generated admin password. */
    private declareGrafana(
        grafanaSettings: NonNullable<MetricsArgs["settings"]["grafana"]>,
        args: MetricsArgs,
        meta: (objectName: string) => k8s.types.input.meta.v1.ObjectMeta,
        children: Children,
    ): { workload: ToolWorkload; adminPassword: pulumi.Output<string> } {
        const adminPassword = generatedPassword(children.of("grafana-admin"), args.secretsRotation, 24);
        const secretChild = children.of(GRAFANA_SECRET);
        const secret = new k8s.core.v1.Secret(
            secretChild.name,
            { metadata: meta(GRAFANA_SECRET), type: "Opaque", stringData: { "admin-user": "admin", "admin-password": adminPassword } },
            secretChild.opts,
        );
        const grafanaFiles = grafanaProvisioning({ tracing: args.tracing, logging: args.logging });
        const dashboards = grafanaDashboards();
        const provisioningChild = children.of("grafana-provisioning");
        const provisioning = new k8s.core.v1.ConfigMap(provisioningChild.name, { metadata: meta("grafana-provisioning"), data: grafanaFiles }, provisioningChild.opts);
        const dashboardsChild = children.of("grafana-dashboards");
        const dashboardMap = new k8s.core.v1.ConfigMap(dashboardsChild.name, { metadata: meta("grafana-dashboards"), data: dashboards }, dashboardsChild.opts);
        // Grafana reads any setting from a file named by <SETTING>__FILE: the credentials stay
        // on a Secret volume, out of the pod's environment and of every command line.
        const credentials = "/run/secrets/grafana";
        const adminEnv = [
            { name: "GF_SECURITY_ADMIN_USER__FILE", value: `${credentials}/admin-user` },
            { name: "GF_SECURITY_ADMIN_PASSWORD__FILE", value: `${credentials}/admin-password` },
            { name: "GF_LOG_MODE", value: "console" },
        ];
        const credentialsMount = { name: "credentials", mountPath: credentials, readOnly: true };
        const grafana = children.of(GRAFANA.name);
        const workload = new ToolWorkload(
            grafana.name,
            {
                namespace: args.namespace,
                stack: args.stack,
                tool: GRAFANA,
                settings: grafanaSettings,
                uid: 472,
                env: adminEnv,
                // Grafana reads the admin password from the environment only when it creates its
                // database; afterwards a rotated password is set with its own CLI before start.
                initContainers: [
                    {
                        name: "set-admin-password",
                        image: grafanaSettings.image,
                        command: [
                            "sh",
                            "-c",
                            `if [ -f /var/lib/grafana/grafana.db ]; then grafana cli --homepath /usr/share/grafana admin reset-admin-password --password-from-stdin < ${credentials}/admin-password; fi`,
                        ],
                        env: adminEnv,
                        resources: withScratch(grafanaSettings.resources),
                        securityContext: restrictedContainerSecurity(),
                        volumeMounts: [
                            { name: "data", mountPath: "/var/lib/grafana" },
                            { name: "tmp", mountPath: "/tmp" },
                            credentialsMount,
                        ],
                    },
                ],
                podAnnotations: { [SECRET_DIGEST_ANNOTATION]: secretDigest([adminPassword]) },
                readinessPath: "/api/health",
                storage: { size: grafanaSettings.storageSize, storageClass: grafanaSettings.storageClass, mountPath: "/var/lib/grafana" },
                volumes: [
                    { name: "provisioning", configMap: { name: "grafana-provisioning", items: [{ key: "datasources.yaml", path: "datasources/datasources.yaml" }, { key: "dashboards.yaml", path: "dashboards/dashboards.yaml" }] } },
                    { name: "dashboards", configMap: { name: "grafana-dashboards" } },
                    { name: "credentials", secret: { secretName: GRAFANA_SECRET, defaultMode: 0o440 } },
                ],
                mounts: [
                    { name: "provisioning", mountPath: "/etc/grafana/provisioning", readOnly: true },
                    { name: "dashboards", mountPath: DASHBOARDS_DIR, readOnly: true },
                    credentialsMount,
                ],
                configDigestOf: [...Object.values(grafanaFiles), ...Object.values(dashboards)],
                skipAwait: args.skipAwait,
            },
            { ...grafana.opts, dependsOn: [secret, provisioning, dashboardMap] },
        );
        return { workload, adminPassword };
    }
}
