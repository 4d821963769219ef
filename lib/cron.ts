/**
 * CronJob schedules as Kubernetes accepts them: the API server validates `spec.schedule`
 * with robfig/cron v3's standard parser (five fields, or a descriptor), and refuses a time
 * zone inside the schedule. The rules here are that parser's: each field a comma list of
 * `*`, `?`, a value or a range `a-b`, each optionally `/step`; month and weekday names
 * (JAN-DEC, SUN-SAT, any case); weekdays 0-6.
 */

interface Field {
    readonly name: string;
    readonly min: number;
    readonly max: number;
    readonly names?: readonly string[];
}

const FIELDS: readonly Field[] = [
    { name: "minute", min: 0, max: 59 },
    { name: "hour", min: 0, max: 23 },
    { name: "day of month", min: 1, max: 31 },
    { name: "month", min: 1, max: 12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] },
    { name: "day of week", min: 0, max: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
];

const DESCRIPTORS = new Set(["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]);
const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;

function value(text: string, field: Field): number | string {
    const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
    if (named >= 0) {
        return named + field.min;
    }
    if (!/^[0-9]+$/.test(text)) {
        return `"${text}" is not a number${field.names ? ` or a name (${field.names.map((n) => n.toUpperCase()).join(", ")})` : ""}`;
    }
    const n = Number(text);
    return n < field.min || n > field.max ? `${n} is outside ${field.min}-${field.max}` : n;
}

function fieldProblem(text: string, field: Field): string | undefined {
    for (const part of text.split(",")) {
        const [range, step, extra] = part.split("/");
        if (extra !== undefined || range === undefined || range === "") {
            return `"${part}" is not a value, a range or a step`;
        }
        if (step !== undefined && !/^[1-9][0-9]*$/.test(step)) {
            return `step "${step}" must be a whole number of at least 1`;
        }
        if (range === "*" || range === "?") {
            continue;
        }
        const [low, high, more] = range.split("-");
        if (more !== undefined) {
            return `"${range}" is not a range a-b`;
        }
        const a = value(low!, field);
        if (typeof a === "string") return a;
        if (high !== undefined) {
            const b = value(high, field);
            if (typeof b === "string") return b;
            if (a > b) return `range ${range} starts after it ends`;
        }
    }
    return undefined;
}

/** Why Kubernetes would refuse the schedule, or undefined when it accepts it. */
export function cronProblem(schedule: string): string | undefined {
    if (schedule !== schedule.trim() || schedule === "") {
        return "has leading or trailing space, or is empty";
    }
    if (/^(CRON_)?TZ=/.test(schedule)) {
        return "names a time zone, which Kubernetes refuses in the schedule (it has a timeZone field)";
    }
    if (schedule.startsWith("@")) {
        const every = /^@every (.+)$/.exec(schedule);
        if (DESCRIPTORS.has(schedule) || (every && GO_DURATION.test(every[1]!))) {
            return undefined;
        }
        return `is not a descriptor (${[...DESCRIPTORS].join(", ")}, @every <duration>)`;
    }
    const fields = schedule.split(/\s+/);
    if (fields.length !== 5) {
        return `has ${fields.length} fields; Kubernetes takes five: minute hour day-of-month month day-of-week`;
    }
    for (const [i, text] of fields.entries()) {
        const problem = fieldProblem(text, FIELDS[i]!);
        if (problem) {
            return `${FIELDS[i]!.name} field: ${problem}`;
        }
    }
    return undefined;
}
