/**
 * Defaults of the structured config keys. Pulumi.yaml cannot give a structured key a
 * default that merges field by field (a stack's value replaces it whole), so fields left
 * out in a stack take these. Scalar keys have their defaults in Pulumi.yaml.
 */

/**
 * What the manual leaves out of its HPA (7.1/7.2). A JVM uses far more CPU in its first
 * minute after Ready (JIT, caches filling) than at rest: without a scale-up window the HPA
 * reads that warm-up as load and adds pods after every start or roll, and those pods warm
 * up in turn. Scale-down keeps Kubernetes' own 300 s.
 */
export const AUTOSCALING_DEFAULTS = {
    scaleUpStabilizationSeconds: 60,
    scaleDownStabilizationSeconds: 300,
} as const;

export const POSTGRES_DEFAULTS = {
    image: "docker.io/library/postgres:15.10-alpine",
    storageSize: "10Gi",
    storageClass: "",
    /**
     * Room for the manual's autoscaling (six services, 10 replicas each plus one during a
     * roll-out, pools of 5: 330) and the Jobs (components/postgres/connections.ts).
     */
    maxConnections: 400,
    resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1000m", memory: "1Gi" } },
    backup: {
        schedule: "0 2 * * *",
        retention: 7,
        beforeUpgrade: true,
        storageSize: "20Gi",
        storageClass: "",
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
        /** Fields of backup.offsite left out (endpoint, bucket and the credentials have none; prefix is <project>/<stack>, retention the volume's). */
        offsite: {
            region: "us-east-1",
            serverSideEncryption: "AES256",
            image: "docker.io/rclone/rclone:1.68.2",
        },
    },
    restoreFrom: "",
} as const;

const resources = (request: [string, string], limit: [string, string]) => ({
    requests: { cpu: request[0], memory: request[1] },
    limits: { cpu: limit[0], memory: limit[1] },
});

export const OBSERVABILITY_DEFAULTS = {
    tracing: {
        enabled: true,
        sampleProbability: 0.1,
        zipkin: { image: "docker.io/openzipkin/zipkin:3.4.1", resources: resources(["100m", "512Mi"], ["1000m", "1Gi"]) },
    },
    metrics: {
        enabled: true,
        retention: "15d",
        alerts: { errorRate: 0.05, latencyP95Seconds: 1, heapUsedRatio: 0.9 },
        prometheus: {
            image: "docker.io/prom/prometheus:v2.53.2",
            storageSize: "20Gi",
            storageClass: "",
            resources: resources(["250m", "512Mi"], ["1000m", "1Gi"]),
        },
        grafana: {
            image: "docker.io/grafana/grafana:11.2.0",
            storageSize: "1Gi",
            storageClass: "",
            resources: resources(["100m", "128Mi"], ["500m", "512Mi"]),
        },
    },
    alerting: {
        enabled: true,
        alertmanager: {
            image: "docker.io/prom/alertmanager:v0.27.0",
            storageSize: "1Gi",
            storageClass: "",
            resources: resources(["50m", "64Mi"], ["200m", "256Mi"]),
        },
    },
    logging: {
        enabled: true,
        elasticsearch: {
            image: "docker.elastic.co/elasticsearch/elasticsearch:8.15.1",
            heapSize: "1g",
            storageSize: "30Gi",
            storageClass: "",
            resources: resources(["500m", "2Gi"], ["2000m", "2Gi"]),
        },
        logstash: {
            image: "docker.elastic.co/logstash/logstash:8.15.1",
            heapSize: "512m",
            resources: resources(["250m", "1Gi"], ["1000m", "1Gi"]),
        },
        kibana: { image: "docker.elastic.co/kibana/kibana:8.15.1", resources: resources(["250m", "768Mi"], ["1000m", "1Gi"]) },
        shipper: { image: "docker.elastic.co/beats/filebeat:8.15.1", resources: resources(["50m", "100Mi"], ["200m", "200Mi"]) },
    },
} as const;

/**
 * The local Docker stack publishes each service and tool on its manual port, except where
 * two would claim one host port: the manual gives 3000 to both the Proxy Client and
 * Grafana, so Grafana moves to 3001 unless the stack says otherwise.
 */
/** Where the cluster's DNS runs: the only place pods may send port 53 to. CoreDNS in kubeadm, kind, EKS, GKE and AKS. */
export const CLUSTER_DNS_DEFAULTS = {
    namespace: "kube-system",
    podLabels: { "k8s-app": "kube-dns" } as Readonly<Record<string, string>>,
} as const;

/**
 * The cluster's own address ranges (pods, Services), kept out of every egress rule meant for
 * the outside (a Git host, alert receivers) so such a rule cannot reach in-cluster pods.
 * kubeadm's and kind's defaults; managed clusters have their own (README).
 */
export const CLUSTER_NETWORK_DEFAULTS = {
    internalCidrs: ["10.244.0.0/16", "10.96.0.0/12"] as readonly string[],
} as const;

export const DOCKER_DEFAULTS = {
    host: "",
    hostPorts: { grafana: 3001 } as Readonly<Record<string, number>>,
    keepVolumes: true,
} as const;
