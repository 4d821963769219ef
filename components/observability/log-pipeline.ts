/**
 * From container log lines to the fields the manual's Kibana queries use (4.3): `level`,
 * `service.name`, `correlation_id` (the Sleuth trace id) and `@timestamp`.
 */
import { LOG_FIELDS } from "../../catalog/observability";

/**
 * A Spring Boot 2.5 console line with Sleuth's level pattern, e.g.
 * `2024-03-05 10:15:30.123  INFO [ORDER-SERVICE,5f1c2b3a4d5e6f70,5f1c2b3a4d5e6f70] 1 --- [nio-8083-exec-1] c.s.a.r.OrderResource : text`.
 * Written in the regex dialect both JavaScript (the tests) and Oniguruma (Logstash grok) read.
 */
export const SPRING_LOG_LINE =
    "^(?<log_time>\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3})\\s+(?<log_level>TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\\s+" +
    "\\[(?<log_app>[^,\\]]*),(?<trace_id>[0-9a-fA-F]*),(?<span_id>[0-9a-fA-F]*)(?:,[^\\]]*)?\\]\\s+(?<pid>\\d+)\\s+---\\s+" +
    "\\[\\s*(?<thread>[^\\]]*)\\]\\s+(?<logger>\\S+)\\s+:\\s(?<log_message>[\\s\\S]*)$";

/** A line starts a new event when it starts with a date; stack traces continue the one before. */
export const EVENT_START = "^\\d{4}-\\d{2}-\\d{2} ";

export const LOG_INDEX = "logs-ecommerce";

/** Where the log shipper answers its probes. */
export const SHIPPER_HTTP_PORT = 5066;

function field(path: string): string {
    return path
        .split(".")
        .map((p) => `[${p}]`)
        .join("");
}

export function logstashPipeline(port: number, elasticsearchUrl: string): string {
    return `input {
  beats {
    port => ${port}
  }
}

filter {
  grok {
    match => { "message" => "${SPRING_LOG_LINE}" }
    tag_on_failure => ["_unparsed"]
  }
  # The container is named after the catalog service: a surer source than the app name in the line.
  if [kubernetes][container][name] {
    mutate { add_field => { "${field(LOG_FIELDS.service)}" => "%{[kubernetes][container][name]}" } }
  } else if [container][name] {
    # On one Docker host the container carries the service's name.
    mutate { add_field => { "${field(LOG_FIELDS.service)}" => "%{[container][name]}" } }
  }
  if [log_level] {
    mutate { rename => { "log_level" => "${field(LOG_FIELDS.level)}" } }
  }
  if [trace_id] and [trace_id] != "" {
    mutate { rename => { "trace_id" => "${field(LOG_FIELDS.correlation)}" } }
  }
  if [log_time] {
    date {
      match => ["log_time", "yyyy-MM-dd HH:mm:ss.SSS"]
      timezone => "UTC"
      target => "${LOG_FIELDS.time}"
    }
  }
  mutate { remove_field => ["log_time", "trace_id"] }
}

output {
  elasticsearch {
    hosts => ["${elasticsearchUrl}"]
    index => "${LOG_INDEX}-%{+YYYY.MM.dd}"
  }
}
`;
}

/** Filebeat: container logs of one namespace only, stack traces joined, Kubernetes metadata added. */
export function filebeatConfig(namespace: string, logstashHost: string): Record<string, unknown> {
    return {
        "filebeat.inputs": [
            {
                type: "filestream",
                id: `ecommerce-${namespace}`,
                // Kubernetes names container log files <pod>_<namespace>_<container>-<id>.log.
                paths: [`/var/log/containers/*_${namespace}_*.log`],
                "prospector.scanner.symlinks": true,
                parsers: [{ container: null }, { multiline: { type: "pattern", pattern: EVENT_START, negate: true, match: "after" } }],
                processors: [
                    {
                        add_kubernetes_metadata: {
                            host: "${NODE_NAME}",
                            matchers: [{ logs_path: { logs_path: "/var/log/containers/" } }],
                        },
                    },
                ],
            },
        ],
        "output.logstash": { hosts: [logstashHost] },
        "logging.level": "info",
        // Filebeat's own HTTP endpoint, for the kubelet's probes.
        "http.enabled": true,
        "http.host": "0.0.0.0",
        "http.port": SHIPPER_HTTP_PORT,
    };
}

/** Filebeat on one Docker host: every container's log file, joined and tagged with the container's name. */
export function filebeatDockerConfig(logstashHost: string): Record<string, unknown> {
    return {
        "filebeat.inputs": [
            {
                type: "filestream",
                id: "ecommerce-docker",
                paths: ["/var/lib/docker/containers/*/*.log"],
                parsers: [{ container: null }, { multiline: { type: "pattern", pattern: EVENT_START, negate: true, match: "after" } }],
                processors: [{ add_docker_metadata: { host: "unix:///var/run/docker.sock" } }],
            },
        ],
        "output.logstash": { hosts: [logstashHost] },
        "logging.level": "info",
    };
}
