/**
 * A text key written as a plain YAML number loses its text: `imageTag: 1.10` reaches the
 * program as "1.1" (the CLI decodes the number, then formats it), and the stack would run
 * tag 1.1 without a word. The program can read its own stack file: a top-level key that
 * Pulumi.yaml declares as a string, written there as a plain scalar that YAML takes for a
 * number whose text is not what arrived, is refused with the quoted form to write.
 */
import { isMap, isScalar, parseDocument, Scalar } from "yaml";
import { resolvePlain } from "../offline/go-yaml";

/** Keys Pulumi.yaml declares with `type: string` (without the project prefix). */
export function stringKeys(projectFile: string): string[] {
    const doc = parseDocument(projectFile).toJS() as { config?: Record<string, { type?: string } | unknown> } | null;
    return Object.entries(doc?.config ?? {})
        .filter(([, declaration]) => typeof declaration === "object" && declaration !== null && (declaration as { type?: string }).type === "string")
        .map(([key]) => key);
}

export function unquotedNumbers(stackFile: string, project: string, textKeys: readonly string[], raw: Readonly<Record<string, string>>): string[] {
    const config = parseDocument(stackFile).get("config", true);
    if (!isMap(config)) return [];
    const problems: string[] = [];
    for (const pair of config.items) {
        const full = isScalar(pair.key) ? String(pair.key.value) : "";
        const key = full.startsWith(`${project}:`) ? full.slice(project.length + 1) : undefined;
        if (key === undefined || !textKeys.includes(key) || !isScalar(pair.value) || pair.value.type !== Scalar.PLAIN) continue;
        const text = pair.value.source ?? String(pair.value.value);
        const decoded = resolvePlain(text);
        const isNumber = typeof decoded === "object" && decoded !== null && ("int" in decoded || "float" in decoded);
        if (isNumber && raw[key] !== undefined && raw[key] !== text) {
            problems.push(`${full}: ${text} is written without quotes, so YAML reads a number and the stack gets ${JSON.stringify(raw[key])}; quote it: ${key}: "${text}"`);
        }
    }
    return problems;
}
