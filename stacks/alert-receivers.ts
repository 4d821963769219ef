/**
 * Resolves the `alertReceivers` key: who Alertmanager notifies at each support level of
 * manual 10.1. Every credential in it (a Slack or webhook URL, a PagerDuty key, the SMTP
 * password) must be a Pulumi secret: a stack whose key is in plain text is refused.
 */
import { LEVELS, type SupportLevel } from "../catalog/observability";
import type { AlertingSettings, LevelReceivers } from "../settings/observability";
import type { AlertReceiversOverride } from "./schema";

type Key = (...path: (string | number)[]) => string;

/** The paths of every credential the key holds, as `pulumi config set --path` takes them. */
export function credentialPaths(override: AlertReceiversOverride): (string | number)[][] {
    const paths: (string | number)[][] = [];
    if (override.smtp?.password !== undefined) {
        paths.push(["smtp", "password"]);
    }
    for (const level of LEVELS) {
        const given = override[level];
        given?.slack?.forEach((_, i) => paths.push([level, "slack", i, "url"]));
        given?.webhook?.forEach((_, i) => paths.push([level, "webhook", i, "url"]));
        given?.pagerduty?.forEach((_, i) => paths.push([level, "pagerduty", i, "routingKey"]));
    }
    return paths.map((p) => ["alertReceivers", ...p]);
}

export function resolveAlertReceivers(
    override: AlertReceiversOverride,
    /** Whether the engine holds `alertReceivers` as a secret. */
    secret: boolean,
    key: Key,
    bareKey: Key,
    problems: string[],
): Pick<AlertingSettings, "receivers" | "smtp"> {
    if (!secret) {
        for (const path of credentialPaths(override)) {
            problems.push(
                `${key(...path)}: is a credential and must be a Pulumi secret, not plain text in the stack file; set it with pulumi config set --secret --path '${bareKey(...path)}' <value>`,
            );
        }
    }
    const receivers = Object.fromEntries(
        LEVELS.map((level): [SupportLevel, LevelReceivers] => {
            const given = override[level];
            return [level, { email: given?.email ?? [], slack: given?.slack ?? [], pagerduty: given?.pagerduty ?? [], webhook: given?.webhook ?? [] }];
        }),
    ) as Record<SupportLevel, LevelReceivers>;
    const mailing = LEVELS.filter((level) => receivers[level].email.length > 0);
    if (mailing.length > 0 && !override.smtp) {
        problems.push(`${key("alertReceivers", "smtp")}: ${mailing.join(", ")} ${mailing.length > 1 ? "have" : "has"} email receivers, so the mail server is needed: smarthost (host:port) and from, with username and a secret password if it asks for them`);
    }
    if (override.smtp && (override.smtp.username === undefined) !== (override.smtp.password === undefined)) {
        problems.push(`${key("alertReceivers", "smtp")}: username and password go together; set both or neither`);
    }
    const smtp = override.smtp ? { ...override.smtp, requireTls: override.smtp.requireTls ?? true } : undefined;
    return { receivers, ...(smtp ? { smtp } : {}) };
}
