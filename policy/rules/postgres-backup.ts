import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { TYPES, arr, containers, describe, matchesSelector, metadata, num, obj, podTemplate, str, stringMap } from "../kube";

/** A StatefulSet that runs a PostgreSQL server. */
function isPostgres(r: PolicyResource): boolean {
    const pod = r.type === TYPES.statefulSet ? podTemplate(r.type, r.props) : undefined;
    return (pod ? containers(pod.spec) : []).some((c) => !c.init && /(^|\/)postgres(ql)?:/.test(str(c.raw.image) ?? ""));
}

/** Hosts a client may use for the server: the names of the Services that select its pods. */
function serviceNames(server: PolicyResource, all: readonly PolicyResource[]): string[] {
    const { namespace } = metadata(server.props);
    const labels = podTemplate(server.type, server.props)?.labels ?? {};
    return all
        .filter((r) => r.type === TYPES.service && metadata(r.props).namespace === namespace)
        .filter((s) => matchesSelector(stringMap(obj(s.props.spec)?.selector), labels))
        .map((s) => metadata(s.props).name ?? "");
}

/** The host a CronJob's containers dump from: PGHOST, or pg_dumpall's -h in its command. */
function dumpHosts(cronJob: PolicyResource): string[] {
    const pod = podTemplate(cronJob.type, cronJob.props);
    return (pod ? containers(pod.spec) : []).flatMap((c) => {
        const env = arr(c.raw.env).map(obj).find((e) => str(e?.name) === "PGHOST");
        const command = [...arr(c.raw.command), ...arr(c.raw.args)].filter((x): x is string => typeof x === "string").join(" ");
        const flag = /pg_dumpall[^;|&]*?(?:-h|--host)[ =](\S+)/.exec(command)?.[1];
        return [str(env?.value), flag].filter((h): h is string => h !== undefined);
    });
}

export const postgresBackup: StackValidationPolicy = {
    name: "postgres-backup-cronjob",
    description:
        "Every PostgreSQL StatefulSet has, in its namespace, a backup CronJob that targets it, with a schedule, history limits, concurrencyPolicy Forbid and a deadline on its Jobs (manual 6.3).",
    severity: "critical",
    remediationSteps:
        "Keep the PostgresBackup component in the stack: its CronJob postgres-backup reaches the server through postgres-service (PGHOST) and runs pg_dumpall on postgres.backup.schedule.",
    validateStack: (args, reportViolation) => {
        const cronJobs = args.resources.filter((r) => r.type === TYPES.cronJob);
        for (const server of args.resources.filter(isPostgres)) {
            const hosts = serviceNames(server, args.resources);
            const { namespace } = metadata(server.props);
            const targeting = cronJobs.filter(
                (c) => metadata(c.props).namespace === namespace && dumpHosts(c).some((h) => hosts.includes(h.split(".")[0]!)),
            );
            if (targeting.length === 0) {
                reportViolation(`${describe(server.type, server.props)} has no backup CronJob targeting it (through ${hosts.join(", ") || "a Service"}).`, server.urn);
                continue;
            }
            for (const cron of targeting) {
                const spec = obj(cron.props.spec) ?? {};
                const problems = [
                    !str(spec.schedule) && "no schedule",
                    spec.concurrencyPolicy !== "Forbid" && `concurrencyPolicy ${str(spec.concurrencyPolicy) ?? "Allow"} (must be Forbid)`,
                    (num(spec.successfulJobsHistoryLimit) === undefined || num(spec.failedJobsHistoryLimit) === undefined) && "no history limits",
                    // Forbid plus no deadline: one hung dump blocks every later backup, silently.
                    num(obj(obj(spec.jobTemplate)?.spec)?.activeDeadlineSeconds) === undefined && "no activeDeadlineSeconds on its Jobs",
                ].filter(Boolean);
                if (problems.length > 0) {
                    reportViolation(`${describe(cron.type, cron.props)} backs up ${describe(server.type, server.props)} with ${problems.join(", ")}.`, cron.urn);
                }
            }
        }
    },
};
