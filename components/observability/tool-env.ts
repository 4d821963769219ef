/**
 * The environment each observability tool runs with, the same on Kubernetes and on Docker:
 * written once here so the two targets cannot drift apart.
 */
import { serviceUrl } from "../../catalog";
import { ELASTICSEARCH } from "../../catalog/observability";

/** Where Zipkin, Logstash, Kibana and Grafana reach Elasticsearch. */
export const ELASTICSEARCH_URL = serviceUrl(ELASTICSEARCH);

export function elasticsearchEnv(stack: string, heapSize: string): Record<string, string> {
    return {
        "discovery.type": "single-node",
        "cluster.name": `ecommerce-${stack}`,
        // vm.max_map_count needs a privileged init container; without mmap it does not.
        "node.store.allow_mmap": "false",
        // Reachable only through the network policies; see README, "Known limits".
        "xpack.security.enabled": "false",
        ES_JAVA_OPTS: `-Xms${heapSize} -Xmx${heapSize}`,
    };
}

export function logstashEnv(heapSize: string): Record<string, string> {
    return {
        LS_JAVA_OPTS: `-Xms${heapSize} -Xmx${heapSize}`,
        XPACK_MONITORING_ENABLED: "false",
        PIPELINE_ECS_COMPATIBILITY: "disabled",
    };
}

export function kibanaEnv(stack: string): Record<string, string> {
    return { ELASTICSEARCH_HOSTS: JSON.stringify([ELASTICSEARCH_URL]), SERVER_NAME: `kibana-${stack}` };
}

/** Traces kept in Elasticsearch (persistent) when the stack runs it; in memory otherwise. */
export function zipkinEnv(elasticsearch: boolean): Record<string, string> {
    return {
        ...(elasticsearch ? { STORAGE_TYPE: "elasticsearch", ES_HOSTS: ELASTICSEARCH_URL } : { STORAGE_TYPE: "mem" }),
        JAVA_OPTS: "-XX:MaxRAMPercentage=75",
    };
}
