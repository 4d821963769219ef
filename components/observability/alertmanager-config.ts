/**
 * Alertmanager's configuration generated from the catalog: one route per severity of manual
 * 10.2, reaching the support levels of 10.1 that answer it (ESCALATION), with timings
 * derived from the SLA's response time; one receiver per level, from stack config; and the
 * outage inhibiting its own symptoms. Pure: the same settings give the same file.
 */
import { ESCALATION, LEVELS, SERVICE_LABEL, SEVERITIES, SLA, SUPPORT_LEVELS, type Severity, type SupportLevel } from "../../catalog/observability";
import { formatPrometheusDuration, parsePrometheusDuration } from "../../lib/durations";
import type { AlertingSettings, LevelReceivers } from "../../settings";
import { OUTAGE } from "./prometheus-config";

export const ALERTMANAGER_CONFIG_FILE = "alertmanager.yml";
/** Where both targets mount the file, and keep silences and the notification log. */
export const ALERTMANAGER_CONFIG_DIR = "/etc/alertmanager";
export const ALERTMANAGER_DATA_DIR = "/alertmanager";

/** Alertmanager's command line on either target: one replica, so no gossip port to open or protect. */
export const ALERTMANAGER_ARGS = [
    `--config.file=${ALERTMANAGER_CONFIG_DIR}/${ALERTMANAGER_CONFIG_FILE}`,
    `--storage.path=${ALERTMANAGER_DATA_DIR}`,
    "--cluster.listen-address=",
] as const;

/** Alerts of one kind on one service are one notification. */
export const GROUP_BY = ["alertname", SERVICE_LABEL] as const;

/** `L1-devops`: the receiver of a support level, named after its team. */
export function receiverName(level: SupportLevel): string {
    return `${level}-${SUPPORT_LEVELS[level].team.toLowerCase()}`;
}

export interface Timings {
    /** How long a new group waits for more alerts before the first notification. */
    readonly group_wait: string;
    /** How long before telling of alerts added to a group already notified. */
    readonly group_interval: string;
    /** How long before repeating a notification nobody resolved. */
    readonly repeat_interval: string;
}

/** Shares of the SLA's response time: notify within 1/60 of it, batch within 1/15, remind at 1/3. */
export const TIMING_SHARES = { group_wait: 60, group_interval: 15, repeat_interval: 3 } as const;

/**
 * A third of the response time between reminders means a missed page is repeated twice
 * before the SLA runs out (P0: every 5m of its 15m; P3: every 8h of its day). The first
 * notification waits no more than 5 minutes at any level.
 */
export function timings(severity: Severity): Timings {
    const within = parsePrometheusDuration(SLA[severity].within)!;
    const share = (n: number, cap = Infinity) => formatPrometheusDuration(Math.min(within / n, cap));
    return {
        group_wait: share(TIMING_SHARES.group_wait, 5 * 60_000),
        group_interval: share(TIMING_SHARES.group_interval),
        repeat_interval: share(TIMING_SHARES.repeat_interval),
    };
}

/** Levels with nowhere to send: their alerts show only in Alertmanager's UI. */
export function silentLevels(settings: Pick<AlertingSettings, "receivers">): SupportLevel[] {
    return LEVELS.filter((level) => {
        const r = settings.receivers[level];
        return r.email.length + r.slack.length + r.pagerduty.length + r.webhook.length === 0;
    });
}

function receiver(level: SupportLevel, r: LevelReceivers): Record<string, unknown> {
    const configs: Record<string, unknown[]> = {
        email_configs: r.email.map((to) => ({ to, send_resolved: true })),
        slack_configs: r.slack.map((s) => ({
            api_url: s.url,
            ...(s.channel ? { channel: s.channel } : {}),
            send_resolved: true,
            title: '[{{ .Status | toUpper }}] {{ .CommonLabels.severity }} {{ .CommonLabels.alertname }} {{ .CommonLabels.service }}',
            text: "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook_url }}\n{{ end }}",
        })),
        pagerduty_configs: r.pagerduty.map((p) => ({ routing_key: p.routingKey, send_resolved: true })),
        webhook_configs: r.webhook.map((w) => ({ url: w.url, send_resolved: true })),
    };
    return { name: receiverName(level), ...Object.fromEntries(Object.entries(configs).filter(([, list]) => list.length > 0)) };
}

export function alertmanagerConfig(settings: Pick<AlertingSettings, "receivers" | "smtp">): Record<string, unknown> {
    const smtp = settings.smtp;
    return {
        global: {
            resolve_timeout: "5m",
            ...(smtp
                ? {
                      smtp_smarthost: smtp.smarthost,
                      smtp_from: smtp.from,
                      smtp_require_tls: smtp.requireTls,
                      ...(smtp.username !== undefined ? { smtp_auth_username: smtp.username, smtp_auth_password: smtp.password } : {}),
                  }
                : {}),
        },
        route: {
            // An alert with no severity (a rule added by hand) goes to monitoring, at P3's pace.
            receiver: receiverName("L1"),
            group_by: [...GROUP_BY],
            ...timings("P3"),
            routes: SEVERITIES.map((severity) => {
                const levels = ESCALATION[severity];
                return {
                    matchers: [`severity="${severity}"`],
                    ...timings(severity),
                    // Every level that answers gets it: each child matches, and all but the last continue.
                    routes: levels.map((level, i) => ({ receiver: receiverName(level), ...(i < levels.length - 1 ? { continue: true } : {}) })),
                };
            }),
        },
        inhibit_rules: [
            {
                source_matchers: [`alertname="${OUTAGE.alert}"`],
                target_matchers: [`alertname=~"${OUTAGE.symptoms.join("|")}"`],
                equal: [SERVICE_LABEL],
            },
        ],
        receivers: LEVELS.map((level) => receiver(level, settings.receivers[level])),
    };
}
