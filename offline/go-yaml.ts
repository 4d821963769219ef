/**
 * YAML read the way the Pulumi CLI reads stack and project files (Go's gopkg.in/yaml.v3
 * decoding into `any`), not the way a YAML 1.2 library does. The two disagree on plain
 * scalars a user can easily write: `010` is 8 to the CLI, `1_000` is 1000, `2026-01-02`
 * is a time, a 20-digit number stays exact. The `yaml` package parses the document
 * (with every scalar left as text); the resolution of plain scalars follows yaml.v3's
 * resolve.go.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node } from "yaml";

/** A decoded value, as Go holds it: numbers keep their kind and exact text. */
export type GoValue =
    | null
    | boolean
    | string
    | { readonly int: bigint }
    | { readonly float: number }
    | { readonly time: string }
    | readonly GoValue[]
    | { readonly map: ReadonlyMap<string, GoValue> };

const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const TRUES = new Set(["true", "True", "TRUE"]);
const FALSES = new Set(["false", "False", "FALSE"]);
const NANS = new Set([".nan", ".NaN", ".NAN"]);
const INFS = new Set([".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"]);
const NEG_INFS = new Set(["-.inf", "-.Inf", "-.INF"]);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** Go's strconv.ParseInt/ParseUint with base 0 (prefixes 0x, 0o, 0b and a bare leading 0 for octal). */
function parseGoInt(text: string): bigint | undefined {
    const match = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
    if (!match) {
        return undefined;
    }
    const body = match[2]!;
    const digits = /^0[0-7]+$/.test(body) ? `0o${body.slice(1)}` : body.replace(/^0([XOB])/, (_, p: string) => `0${p.toLowerCase()}`);
    const value = BigInt(digits);
    const signed = match[1] === "-" ? -value : value;
    return signed >= INT64_MIN && signed <= UINT64_MAX ? signed : undefined;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const TIMESTAMP =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[+-]\d{2}:\d{2})| (\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?)?$/;

/**
 * A timestamp in one of yaml.v3's accepted layouts, formatted as Go's time.Time.String()
 * ("2026-01-02 03:04:05 +0000 UTC"), which is what the CLI then hands the program.
 */
function parseGoTimestamp(text: string): string | undefined {
    const m = TIMESTAMP.exec(text);
    if (!m) {
        return undefined;
    }
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const [hour, minute, second] = [Number(m[4] ?? m[9] ?? 0), Number(m[5] ?? m[10] ?? 0), Number(m[6] ?? m[11] ?? 0)];
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    if (month < 1 || month > 12 || day < 1 || day > (month === 2 && !leap ? 28 : DAYS_IN_MONTH[month - 1]!) || hour > 23 || minute > 59 || second > 59) {
        return undefined;
    }
    const two = (n: number) => String(n).padStart(2, "0");
    const fraction = (m[7] ?? m[12] ?? "").replace(/0+$/, "");
    const zone = m[8];
    const offset = zone === undefined || zone === "Z" ? "+0000 UTC" : `${zone.replace(":", "")} ${zone.replace(":", "")}`;
    return `${m[1]}-${two(month)}-${two(day)} ${two(hour)}:${two(minute)}:${two(second)}${fraction === "." ? "" : fraction} ${offset}`;
}

/** yaml.v3's resolve() for a plain (unquoted, untagged) scalar. */
export function resolvePlain(text: string): GoValue {
    if (NULLS.has(text)) return null;
    if (TRUES.has(text)) return true;
    if (FALSES.has(text)) return false;
    if (NANS.has(text)) return { float: NaN };
    if (INFS.has(text)) return { float: Infinity };
    if (NEG_INFS.has(text)) return { float: -Infinity };
    const first = text[0]!;
    if (first === ".") {
        const f = Number(text);
        return YAML_STYLE_FLOAT.test(text) && !Number.isNaN(f) ? { float: f } : text;
    }
    if (/[0-9+-]/.test(first)) {
        const time = parseGoTimestamp(text);
        if (time !== undefined) return { time };
        const plain = text.replaceAll("_", "");
        const int = parseGoInt(plain);
        if (int !== undefined) return { int };
        if (YAML_STYLE_FLOAT.test(plain)) return { float: Number(plain) };
    }
    return text;
}

function decodeNode(node: unknown): GoValue {
    if (node === null || node === undefined) {
        return null;
    }
    if (isMap(node)) {
        const map = new Map<string, GoValue>();
        for (const pair of node.items) {
            const key = decodeNode(pair.key);
            map.set(typeof key === "string" ? key : goText(key), decodeNode(pair.value));
        }
        return { map };
    }
    if (isSeq(node)) {
        return node.items.map(decodeNode);
    }
    if (isScalar(node)) {
        const text = node.value === null ? "" : String(node.value);
        const plain = node.type === "PLAIN" && (node.tag === undefined || node.tag === "tag:yaml.org,2002:str" ? node.tag === undefined : false);
        return plain ? resolvePlain(text) : text;
    }
    throw new Error(`unsupported YAML node ${String((node as Node).constructor?.name)}`);
}

/** Parses a YAML document as the CLI does; throws on a syntax error, naming `file`. */
export function decodeYaml(source: string, file: string): GoValue {
    const doc = parseDocument(source, { schema: "failsafe", uniqueKeys: true });
    if (doc.errors.length > 0) {
        throw new Error(`${file}: invalid YAML: ${doc.errors[0]!.message}`);
    }
    return decodeNode(doc.contents);
}

/** Go's json.Marshal of a decoded value: map keys sorted, <, > and & escaped. */
export function goJson(value: GoValue): string {
    if (value === null) return "null";
    if (typeof value === "boolean") return String(value);
    if (typeof value === "string") {
        return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
    }
    if (isGoList(value)) return `[${value.map(goJson).join(",")}]`;
    if ("int" in value) return value.int.toString();
    if ("float" in value) {
        if (!Number.isFinite(value.float)) {
            throw new Error(`json: unsupported value: ${value.float > 0 ? "+Inf" : value.float < 0 ? "-Inf" : "NaN"}`);
        }
        // The CLI writes the stack file back out and reads it again before use, which turns
        // -0.0 into the integer 0.
        return Object.is(value.float, -0) ? "0" : String(value.float);
    }
    if ("time" in value) return goJson(value.time);
    const keys = [...value.map.keys()].sort();
    return `{${keys.map((k) => `${goJson(k)}:${goJson(value.map.get(k)!)}`).join(",")}}`;
}

/** The text of a scalar as Go's fmt %v prints it (a mapping key, a default in Pulumi.yaml). */
export function goText(value: GoValue): string {
    if (value === null) return "<nil>";
    if (typeof value === "boolean" || typeof value === "string") return String(value);
    if (!isGoList(value) && typeof value === "object") {
        if ("int" in value) return value.int.toString();
        if ("float" in value) return Number.isFinite(value.float) ? String(value.float) : value.float > 0 ? "+Inf" : value.float < 0 ? "-Inf" : "NaN";
        if ("time" in value) return value.time;
    }
    return goJson(value);
}

export function isGoList(value: GoValue): value is readonly GoValue[] {
    return Array.isArray(value);
}

export function isGoMap(value: GoValue): value is { readonly map: ReadonlyMap<string, GoValue> } {
    return typeof value === "object" && value !== null && !Array.isArray(value) && "map" in value;
}
