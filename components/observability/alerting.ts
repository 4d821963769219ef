import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Children } from "../shared/naming";
import { stringify } from "yaml";
import { ALERTMANAGER } from "../../catalog/observability";
import type { AlertingSettings } from "../../settings";
import { standardLabels } from "../shared/labels";
import { generatedKey } from "../shared/passwords";
import { keyedSecretDigest, SECRET_DIGEST_ANNOTATION } from "../shared/secret-digest";
import { ALERTMANAGER_ARGS, ALERTMANAGER_CONFIG_DIR, ALERTMANAGER_CONFIG_FILE, ALERTMANAGER_DATA_DIR, alertmanagerConfig, receiverName, silentLevels } from "./alertmanager-config";
import { ToolWorkload } from "./tool-workload";

export interface AlertingArgs {
    readonly namespace: pulumi.Input<string>;
    readonly stack: string;
    readonly settings: AlertingSettings;
    readonly skipAwait: boolean;
    /** How an operator reaches the UI, for the notice when nobody is notified. */
    readonly access: string;
}

export const ALERTMANAGER_SECRET = "alertmanager-config";

/** The preview line for levels with no receiver, or undefined when every level has one. */
export function silentNotice(settings: Pick<AlertingSettings, "receivers">, access: string): string | undefined {
    const silent = silentLevels(settings);
    return silent.length === 0
        ? undefined
        : `Alertmanager: ${silent.map(receiverName).join(", ")} ${silent.length > 1 ? "have" : "has"} no receiver in alertReceivers; their alerts are only visible in Alertmanager's UI (${access})`;
}

/**
 * Alertmanager (9093): receives Prometheus' alerts and notifies the support levels of manual
 * 10.1 by the SLA of 10.2. Its configuration holds the receivers' credentials, so it is a
 * Secret, secret in Pulumi's state too; silences and the notification log live on a volume.
 */
export class Alerting extends pulumi.ComponentResource {
    readonly alertmanager: ToolWorkload;

    constructor(name: string, args: AlertingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ecommerce:k8s:Alerting", name, {}, opts);
        const { settings } = args;
        const config = pulumi.secret(stringify(alertmanagerConfig(settings)));
        const children = new Children(name, this);
        const secretChild = children.of(ALERTMANAGER_SECRET);
        const secret = new k8s.core.v1.Secret(
            secretChild.name,
            {
                metadata: {
                    name: ALERTMANAGER_SECRET,
                    namespace: args.namespace,
                    labels: standardLabels({ name: ALERTMANAGER_SECRET, component: "observability", instance: args.stack }),
                },
                type: "Opaque",
                stringData: { [ALERTMANAGER_CONFIG_FILE]: config },
            },
            secretChild.opts,
        );
        // Alertmanager reads its file at start only: a new digest rolls the pod.
        const digestKey = generatedKey(children.of("alertmanager-digest-key"));
        const workload = children.of(ALERTMANAGER.name);
        this.alertmanager = new ToolWorkload(
            workload.name,
            {
                namespace: args.namespace,
                stack: args.stack,
                tool: ALERTMANAGER,
                settings: settings.alertmanager,
                uid: 65534,
                args: [...ALERTMANAGER_ARGS],
                readinessPath: "/-/ready",
                livenessPath: "/-/healthy",
                storage: { size: settings.alertmanager.storageSize, storageClass: settings.alertmanager.storageClass, mountPath: ALERTMANAGER_DATA_DIR },
                volumes: [{ name: "config", secret: { secretName: ALERTMANAGER_SECRET, defaultMode: 0o440 } }],
                mounts: [{ name: "config", mountPath: ALERTMANAGER_CONFIG_DIR, readOnly: true }],
                podAnnotations: { [SECRET_DIGEST_ANNOTATION]: keyedSecretDigest(digestKey, [config]) },
                startupSeconds: 60,
                skipAwait: args.skipAwait,
            },
            { ...workload.opts, dependsOn: [secret] },
        );
        const notice = silentNotice(settings, args.access);
        if (notice) {
            void pulumi.log.info(notice, this);
        }
        this.registerOutputs({});
    }
}
