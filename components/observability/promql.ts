/** Adding a label matcher to every metric selector of a PromQL expression. */

const KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset"]);
/** Aggregation operators may be followed by `by (...)` before their parenthesis. */
const AGGREGATIONS = new Set(["sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio"]);

/** Keywords followed by a list of label names. */
const GROUPINGS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right"]);

/** The index just past the string literal that starts at `start` (escapes honoured; the end if unterminated). */
function stringEnd(expr: string, start: number): number {
    const quote = expr[start];
    for (let i = start + 1; i < expr.length; i++) {
        if (expr[i] === "\\" && quote !== "`") i++;
        else if (expr[i] === quote) return i + 1;
    }
    return expr.length;
}

/** The index of the `}` closing the matchers that open at `open`, skipping quoted values. */
function closingBrace(expr: string, open: number): number {
    let i = open + 1;
    while (i < expr.length && expr[i] !== "}") {
        i = expr[i] === '"' || expr[i] === "'" || expr[i] === "`" ? stringEnd(expr, i) : i + 1;
    }
    return i;
}

/**
 * `rate(x[5m])` with `service="a"` becomes `rate(x{service="a"}[5m])`; existing matchers are
 * kept. Function names (followed by `(`), keywords, label names inside `by (...)`, numbers,
 * durations and strings are left alone.
 */
export function withMatcher(expr: string, matcher: string): string {
    let out = "";
    let i = 0;
    let groupingDepth = -1;
    let depth = 0;
    while (i < expr.length) {
        const ch = expr[i]!;
        if (ch === '"' || ch === "'" || ch === "`") {
            const end = stringEnd(expr, i);
            out += expr.slice(i, end);
            i = end;
            continue;
        }
        if (ch === "[") {
            const end = expr.indexOf("]", i);
            out += expr.slice(i, end + 1);
            i = end + 1;
            continue;
        }
        if (ch === "(") depth++;
        if (ch === ")") {
            depth--;
            if (depth === groupingDepth) groupingDepth = -1;
        }
        const ident = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(expr.slice(i));
        const prev = i > 0 ? expr[i - 1]! : " ";
        if (!ident || /[A-Za-z0-9_.:]/.test(prev)) {
            out += ch;
            i++;
            continue;
        }
        const name = ident[0];
        const after = expr.slice(i + name.length).trimStart();
        i += name.length;
        if (KEYWORDS.has(name)) {
            out += name;
            if (GROUPINGS.has(name) && after.startsWith("(")) {
                groupingDepth = depth;
            }
            continue;
        }
        if (after.startsWith("(") || groupingDepth >= 0 || AGGREGATIONS.has(name)) {
            out += name;
            continue;
        }
        if (expr[i] === "{") {
            const end = closingBrace(expr, i);
            const inner = expr.slice(i + 1, end).trim();
            out += `${name}{${inner ? `${inner},` : ""}${matcher}}`;
            i = end + 1;
        } else {
            out += `${name}{${matcher}}`;
        }
    }
    return out;
}
