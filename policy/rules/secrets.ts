import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES, arr, containers, describe, known, obj, podTemplate, str } from "../kube";

/** Values that are no secret at all (the manual's Grafana admin/admin among them). */
export const KNOWN_DEFAULTS = ["", "admin", "password", "changeme", "postgres", "root", "secret", "123456"];

/** Keys that name who or where, not a secret: "admin" is a fine user name. */
const NOT_SECRET_KEY = /(^|[-_.])(user|username|host|port|database|db)$/i;

export const noDefaultSecrets: ResourceValidationPolicy = {
    name: "no-default-secrets",
    description: "No Secret value, and no password in a container's environment, equal to a known default (admin, password, empty, ...).",
    severity: "critical",
    remediationSteps: "Generate the value (@pulumi/random, as the stacks do) and read it from a Secret with secretKeyRef; never admin/admin.",
    validateResource: (args, reportViolation) => {
        const what = describe(args.type, args.props);
        const isDefault = (value: unknown) => typeof value === "string" && KNOWN_DEFAULTS.includes(value.trim().toLowerCase());
        if (args.type === TYPES.secret) {
            for (const [field, decode] of [["stringData", (v: string) => v], ["data", (v: string) => Buffer.from(v, "base64").toString("utf8")]] as const) {
                const values = obj(known(() => args.props[field])) ?? {};
                // Key by key: a generated value is unknown until the first `up` and is no default
                // anyway, while the keys beside it (a user name, a literal) are known and judged.
                for (const key of Object.keys(values)) {
                    const value = known(() => values[key]);
                    if (typeof value === "string" && !NOT_SECRET_KEY.test(key) && isDefault(decode(value))) {
                        reportViolation(`${what}: key "${key}" holds a known default value.`);
                    }
                }
            }
            return;
        }
        const pod = podTemplate(args.type, args.props);
        for (const c of pod ? containers(pod.spec) : []) {
            for (const env of arr(known(() => c.raw.env)).map(obj)) {
                const name = str(env?.name) ?? "";
                const value = known(() => env?.value);
                if (/PASSWORD|SECRET|TOKEN/i.test(name) && value !== undefined && isDefault(value)) {
                    reportViolation(`${what}: container "${c.name}" sets ${name} to a known default value.`);
                }
            }
        }
    },
};
