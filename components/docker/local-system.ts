import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { POSTGRES, SERVICES, actuatorPath, serviceSpec } from "../../catalog";
import { ALERTMANAGER, ELASTICSEARCH, GRAFANA, KIBANA, LOGSTASH, PROMETHEUS, ZIPKIN } from "../../catalog/observability";
import type { Settings } from "../../settings";
import { ALERTMANAGER_ARGS, ALERTMANAGER_CONFIG_DIR, ALERTMANAGER_CONFIG_FILE, ALERTMANAGER_DATA_DIR, alertmanagerConfig } from "../observability/alertmanager-config";
import { silentNotice } from "../observability/alerting";
import { DASHBOARDS_DIR, grafanaDashboards, grafanaProvisioning } from "../observability/grafana-files";
import { filebeatDockerConfig, logstashPipeline } from "../observability/log-pipeline";
import { KIBANA_SETUP_DIR, kibanaSetup } from "../observability/kibana-objects";
import { KIBANA_SETUP } from "../network/traffic";
import { CONFIG_DIR, RULES_FILE, alertRules, prometheusConfig } from "../observability/prometheus-config";
import { ELASTICSEARCH_URL, elasticsearchEnv, kibanaEnv, logstashEnv, zipkinEnv } from "../observability/tool-env";
import { DATA_MOUNT, credentialsByKey, datasourceEnv, provisionEnv, resolvedEnv, serverEnv, superuserEnv, type EnvValue } from "../postgres/env";
import { Children } from "../shared/naming";
import { FETCHED_DIR, offsiteFetcher, offsiteUploader } from "./offsite";
import { databasePasswords, generatedPassword } from "../shared/passwords";
import { scriptFiles } from "../postgres/pods";
import { NATIVE_CONFIG_DIR, springEnvironment } from "../shared/spring-env";
import { declareContainer, type ContainerContext } from "./containers";

export interface LocalSystemArgs {
    readonly settings: Settings;
    /** Images built from source, by service name (imageBuild); others are pulled. */
    readonly builtImages?: Readonly<Record<string, pulumi.Input<string>>>;
}

/**
 * The whole system as containers on one Docker host (the manual's option A): a private
 * network, named volumes, one container per catalog service with the Kubernetes target's
 * wiring, PostgreSQL with its provisioning and scheduled backups, and the observability
 * tools. Each container starts after what it depends on reports healthy.
 */
export class LocalSystem extends pulumi.ComponentResource {
    /** Where each published container answers on this host. */
    readonly urls: Record<string, string>;
    readonly grafanaAdminPassword?: pulumi.Output<string>;

    constructor(name: string, args: LocalSystemArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ecommerce:docker:LocalSystem", name, {}, opts);
        const { settings } = args;
        const ns = settings.namespace;
        const children = new Children(name, this);
        const engine = children.of(`${name}-docker`);
        const provider = new docker.Provider(engine.name, settings.docker.host ? { host: settings.docker.host } : {}, engine.opts);
        /** The child in `role`, on this stack's Docker engine. */
        const onEngine = (role: string): { name: string; opts: pulumi.CustomResourceOptions } => {
            const child = children.of(role);
            return { name: child.name, opts: { ...child.opts, provider } };
        };
        const networkChild = onEngine(`${ns}-network`);
        const network = new docker.Network(networkChild.name, { name: `ecommerce-${ns}`, driver: "bridge" }, networkChild.opts);
        const ctx: ContainerContext = { network: network.name, stack: settings.stack, waitSeconds: settings.rolloutTimeoutSeconds, children, provider };

        const pulled = new Map<string, pulumi.Output<string>>();
        const image = (ref: string): pulumi.Output<string> => {
            if (!pulled.has(ref)) {
                const child = onEngine(ref);
                pulled.set(ref, new docker.RemoteImage(child.name, { name: ref, keepLocally: true }, child.opts).imageId);
            }
            return pulled.get(ref)!;
        };
        // Named volumes outlive the containers; destroy keeps them unless keepVolumes is false (docker-compose down -v).
        const volume = (id: string) => {
            const child = onEngine(`${ns}-${id}`);
            return new docker.Volume(child.name, { name: `ecommerce-${ns}-${id}` }, { ...child.opts, retainOnDelete: settings.docker.keepVolumes }).name;
        };
        const hostPort = (container: string, internal: number) => ({ internal, host: settings.docker.hostPorts[container] ?? internal });
        const scripts = scriptFiles();
        // The PostgreSQL scripts a container runs, at /scripts, with the helper each one sources.
        const pgScripts = (...names: string[]) =>
            Object.fromEntries([...names, "wait-for-server.sh"].map((name) => [`/scripts/${name}`, scripts[name]!]));

        // PostgreSQL, reachable as `postgres-service` as in the manual, its roles, and its backups.
        const pg = settings.postgres;
        const passwords = databasePasswords(POSTGRES.name, settings.secretsRotation, children);
        const credentials = credentialsByKey(passwords);
        const env = (values: Record<string, EnvValue>) => resolvedEnv(values, credentials);
        const postgres = declareContainer(
            {
                name: POSTGRES.name,
                image: image(pg.image),
                aliases: [POSTGRES.serviceName],
                env: env(serverEnv()),
                healthcheck: `pg_isready -U ${POSTGRES.superuser} -h 127.0.0.1`,
                startSeconds: 60,
                resources: pg.resources,
                volumes: [{ volume: volume("postgres-data"), path: DATA_MOUNT }],
            },
            ctx,
        );
        const provision = declareContainer(
            {
                name: `${POSTGRES.name}-provision`,
                image: image(pg.image),
                oneShot: true,
                env: env(provisionEnv()),
                files: pgScripts("provision.sh"),
                command: ["sh", "/scripts/provision.sh"],
                resources: pg.backup.resources,
                after: [postgres],
            },
            ctx,
        );
        // The CronJob's script, on the same schedule, under busybox crond (which passes no environment on):
        // the entry command saves the variables the script reads, quoted by the shell's own `export -p`
        // (the schedule has spaces and stars), for crond's job to source. crond runs as root, which
        // the official image is by default (an image whose USER is postgres could not write the
        // files or start crond); its crontab folder is made, not assumed (Alpine's, not Debian's).
        const backupsVolume = volume("postgres-backups");
        const backups = declareContainer(
            {
                name: `${POSTGRES.name}-backup`,
                image: image(pg.image),
                user: "root",
                env: { ...env(superuserEnv()), BACKUP_DIR: "/backups", BACKUP_RETENTION: String(pg.backup.retention), BACKUP_SCHEDULE: pg.backup.schedule },
                files: pgScripts("backup.sh", "restore.sh"),
                entrypoint: ["sh", "-c"],
                command: [
                    'export -p | grep -E "^export (PG|BACKUP_)" > /scripts/env.sh && mkdir -p /etc/crontabs && ' +
                        'echo "$BACKUP_SCHEDULE . /scripts/env.sh && sh /scripts/backup.sh > /proc/1/fd/1 2>&1" > /etc/crontabs/root && exec crond -f -l 8 -c /etc/crontabs',
                ],
                resources: pg.backup.resources,
                volumes: [{ volume: backupsVolume, path: "/backups" }],
                after: [postgres],
            },
            ctx,
        );
        const offsite = pg.backup.offsite
            ? { settings: pg.backup.offsite, image: image(pg.backup.offsite.image), script: scripts["offsite.sh"]!, backupsVolume, resources: pg.backup.resources }
            : undefined;
        if (offsite) {
            declareContainer(offsiteUploader({ ...offsite, name: `${POSTGRES.name}-offsite`, after: [backups] }), ctx);
        }
        // Manual 9.2 with config, as on Kubernetes: restore.sh once, from the volume or the bucket.
        if (pg.restoreFrom) {
            const { file, from } = pg.restoreFrom;
            const fetched = from === "offsite" && offsite ? declareContainer(offsiteFetcher({ ...offsite, name: `${POSTGRES.name}-offsite-fetch`, object: file, after: [provision] }), ctx) : undefined;
            declareContainer(
                {
                    name: `${POSTGRES.name}-restore`,
                    image: image(pg.image),
                    oneShot: true,
                    env: { ...env(superuserEnv()), BACKUP_DIR: "/backups", RESTORE_FILE: fetched ? `${FETCHED_DIR}/${file}` : file },
                    files: pgScripts("restore.sh"),
                    command: ["sh", "/scripts/restore.sh"],
                    resources: pg.backup.resources,
                    volumes: [{ volume: backupsVolume, path: "/backups" }],
                    after: [provision, ...(fetched ? [fetched] : [])],
                },
                ctx,
            );
        }

        // Observability, from the same generators as on Kubernetes.
        const obs = settings.observability;
        const urls: Record<string, string> = {};
        const started: Record<string, docker.Container> = {};
        if (obs.logging) {
            const es = obs.logging.elasticsearch;
            started.elasticsearch = declareContainer(
                {
                    name: ELASTICSEARCH.name,
                    image: image(es.image),
                    env: elasticsearchEnv(settings.stack, es.heapSize),
                    healthcheck: `curl -fsS "http://localhost:${ELASTICSEARCH.port}/_cluster/health?local=true"`,
                    startSeconds: 240,
                    resources: es.resources,
                    volumes: [{ volume: volume("elasticsearch-data"), path: "/usr/share/elasticsearch/data" }],
                },
                ctx,
            );
            declareContainer(
                {
                    name: LOGSTASH.name,
                    image: image(obs.logging.logstash.image),
                    env: logstashEnv(obs.logging.logstash.heapSize),
                    files: { "/usr/share/logstash/pipeline/logstash.conf": logstashPipeline(LOGSTASH.port, ELASTICSEARCH_URL) },
                    healthcheck: "curl -fsS http://localhost:9600/",
                    startSeconds: 240,
                    resources: obs.logging.logstash.resources,
                    after: [started.elasticsearch],
                },
                ctx,
            );
            const kibana = declareContainer(
                {
                    name: KIBANA.name,
                    image: image(obs.logging.kibana.image),
                    env: kibanaEnv(settings.stack),
                    publish: hostPort(KIBANA.name, KIBANA.port),
                    healthcheck: `curl -fsS http://localhost:${KIBANA.port}/api/status`,
                    startSeconds: 300,
                    resources: obs.logging.kibana.resources,
                    after: [started.elasticsearch],
                },
                ctx,
            );
            // The manual's data view and saved searches (4.3), once Kibana is healthy.
            const setup = kibanaSetup();
            declareContainer(
                {
                    name: KIBANA_SETUP,
                    image: image(settings.waitImage),
                    files: Object.fromEntries(Object.entries(setup.files).map(([file, body]) => [`${KIBANA_SETUP_DIR}/${file}`, body])),
                    command: ["sh", "-c", setup.script],
                    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "32Mi" } },
                    oneShot: true,
                    after: [kibana],
                },
                ctx,
            );
            // Reads every container's log file on this host, so it runs as root with the files read-only.
            declareContainer(
                {
                    name: "log-shipper",
                    image: image(obs.logging.shipper.image),
                    user: "root",
                    files: { "/usr/share/filebeat/filebeat.yml": stringify(filebeatDockerConfig(`${LOGSTASH.name}:${LOGSTASH.port}`)) },
                    command: ["filebeat", "-e", "--strict.perms=false"],
                    resources: obs.logging.shipper.resources,
                    volumes: [
                        { hostPath: "/var/lib/docker/containers", path: "/var/lib/docker/containers", readOnly: true },
                        { hostPath: "/var/run/docker.sock", path: "/var/run/docker.sock", readOnly: true },
                    ],
                },
                ctx,
            );
            urls[KIBANA.title] = `http://localhost:${hostPort(KIBANA.name, KIBANA.port).host}`;
        }
        if (obs.tracing) {
            started.zipkin = declareContainer(
                {
                    name: ZIPKIN.name,
                    image: image(obs.tracing.zipkin.image),
                    env: zipkinEnv(obs.logging !== undefined),
                    publish: hostPort(ZIPKIN.name, ZIPKIN.port),
                    healthcheck: `wget -q -O /dev/null http://localhost:${ZIPKIN.port}/health`,
                    resources: obs.tracing.zipkin.resources,
                    after: started.elasticsearch ? [started.elasticsearch] : [],
                },
                ctx,
            );
            urls[ZIPKIN.title] = `http://localhost:${hostPort(ZIPKIN.name, ZIPKIN.port).host}`;
        }
        if (obs.metrics) {
            declareContainer(
                {
                    name: PROMETHEUS.name,
                    image: image(obs.metrics.prometheus.image),
                    files: {
                        [`${CONFIG_DIR}/prometheus.yml`]: stringify(prometheusConfig({ kind: "static" }, ns, obs.alerting !== undefined)),
                        [`${CONFIG_DIR}/${RULES_FILE}`]: stringify(alertRules(obs.metrics.alerts)),
                    },
                    command: [`--config.file=${CONFIG_DIR}/prometheus.yml`, "--storage.tsdb.path=/prometheus", `--storage.tsdb.retention.time=${obs.metrics.retention}`],
                    publish: hostPort(PROMETHEUS.name, PROMETHEUS.port),
                    healthcheck: `wget -q -O /dev/null http://localhost:${PROMETHEUS.port}/-/ready`,
                    resources: obs.metrics.prometheus.resources,
                    volumes: [{ volume: volume("prometheus-data"), path: "/prometheus" }],
                },
                ctx,
            );
            const grafana = obs.metrics.grafana;
            if (grafana) {
                this.grafanaAdminPassword = generatedPassword(children.of("grafana-admin"), settings.secretsRotation, 24);
                const provisioning = grafanaProvisioning({ tracing: obs.tracing !== undefined, logging: obs.logging !== undefined });
                declareContainer(
                    {
                        name: GRAFANA.name,
                        image: image(grafana.image),
                        env: { GF_SECURITY_ADMIN_USER: "admin", GF_SECURITY_ADMIN_PASSWORD: this.grafanaAdminPassword },
                        files: {
                            "/etc/grafana/provisioning/datasources/datasources.yaml": provisioning["datasources.yaml"]!,
                            "/etc/grafana/provisioning/dashboards/dashboards.yaml": provisioning["dashboards.yaml"]!,
                            ...Object.fromEntries(Object.entries(grafanaDashboards()).map(([file, json]) => [`${DASHBOARDS_DIR}/${file}`, json])),
                        },
                        publish: hostPort(GRAFANA.name, GRAFANA.port),
                        healthcheck: `wget -q -O /dev/null http://localhost:${GRAFANA.port}/api/health`,
                        resources: grafana.resources,
                        volumes: [{ volume: volume("grafana-data"), path: "/var/lib/grafana" }],
                    },
                    ctx,
                );
                urls[GRAFANA.title] = `http://localhost:${hostPort(GRAFANA.name, GRAFANA.port).host}`;
            }
            if (obs.alerting) {
                declareContainer(
                    {
                        name: ALERTMANAGER.name,
                        image: image(obs.alerting.alertmanager.image),
                        // It holds the receivers' credentials: secret in Pulumi's state.
                        files: { [`${ALERTMANAGER_CONFIG_DIR}/${ALERTMANAGER_CONFIG_FILE}`]: pulumi.secret(stringify(alertmanagerConfig(obs.alerting))) },
                        command: [...ALERTMANAGER_ARGS],
                        publish: hostPort(ALERTMANAGER.name, ALERTMANAGER.port),
                        healthcheck: `wget -q -O /dev/null http://localhost:${ALERTMANAGER.port}/-/ready`,
                        resources: obs.alerting.alertmanager.resources,
                        volumes: [{ volume: volume("alertmanager-data"), path: ALERTMANAGER_DATA_DIR }],
                    },
                    ctx,
                );
                urls[ALERTMANAGER.title] = `http://localhost:${hostPort(ALERTMANAGER.name, ALERTMANAGER.port).host}`;
                const notice = silentNotice(obs.alerting, urls[ALERTMANAGER.title]!);
                if (notice) {
                    void pulumi.log.info(notice, this);
                }
            }
            urls[PROMETHEUS.title] = `http://localhost:${hostPort(PROMETHEUS.name, PROMETHEUS.port).host}`;
        }

        // The ten services, each after what it starts after is healthy (manual 9.1).
        const services: Record<string, docker.Container> = {};
        const native = settings.configServer.kind === "native" ? settings.configServer : undefined;
        for (const spec of SERVICES) {
            const service = settings.services[spec.name];
            // scaleToZero (manual 3.2, 9.2): no container, as a Deployment at 0 replicas has no pod;
            // PostgreSQL, the volumes and the tools stay, and the next up creates them again.
            if (service.replicas.kind === "fixed" && service.replicas.count === 0) {
                continue;
            }
            const datasource = settings.datasource === "postgres" && spec.database ? env(datasourceEnv({ ...spec, database: spec.database })) : {};
            const serviceEnv = {
                ...springEnvironment(spec, {
                    springProfile: settings.springProfile,
                    javaToolOptions: settings.javaToolOptions,
                    sampleProbability: obs.tracing?.sampleProbability,
                    nativeConfigDir: native ? NATIVE_CONFIG_DIR : undefined,
                }),
                ...datasource,
                ...service.env,
            };
            services[spec.name] = declareContainer(
                {
                    name: spec.name,
                    image: args.builtImages?.[spec.name] ?? image(service.image),
                    env: serviceEnv,
                    ...(native && spec.name === "cloud-config"
                        ? { files: Object.fromEntries(Object.entries(native.files).map(([file, text]) => [`${NATIVE_CONFIG_DIR}/${file}`, text])) }
                        : {}),
                    publish: hostPort(spec.name, spec.port),
                    healthcheck: `curl -fsS http://localhost:${spec.port}${actuatorPath(spec, "readiness")}`,
                    startSeconds: 240,
                    resources: service.resources,
                    restartedAt: service.restartedAt,
                    after: [...spec.startsAfter.map((d) => services[d]!), ...(spec.database && settings.datasource === "postgres" ? [provision] : [])],
                },
                ctx,
            );
        }
        const discovery = serviceSpec("service-discovery");
        urls["Service Discovery"] = `http://localhost:${hostPort(discovery.name, discovery.port).host}`;
        for (const spec of SERVICES) {
            urls[spec.name] = `http://localhost:${hostPort(spec.name, spec.port).host}${spec.contextPath}`;
        }
        this.urls = urls;
        this.registerOutputs({ urls });
    }
}
