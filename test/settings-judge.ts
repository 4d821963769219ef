/**
 * Judging stack config the way the program does, without running it: the stack file with
 * overrides (by bare key, or full key for other namespaces), through loadSettings. Milliseconds
 * per case, so a table of cases can cover every rule (and mutation testing can afford it).
 */
import { strict as assert } from "assert";
import { encodeJs, stackConfig } from "../offline/stack-config";
import { ConfigError } from "../stacks/config-error";
import { loadSettings } from "../stacks/settings";
import type { Settings } from "../settings";

export type Config = Record<string, unknown>;

export function judge(stack: string, config: Config, secretKeys: readonly string[] = []): { warnings: readonly string[] } | { error: string } {
    try {
        return { warnings: settingsOf(stack, config, secretKeys).warnings };
    } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return { error: error.message };
    }
}

/** The settings the components would receive; throws the ConfigError of refused config. */
export function settingsOf(stack: string, config: Config, secretKeys: readonly string[] = []): Settings {
    const all: Record<string, string> = { ...stackConfig(stack) };
    for (const [key, value] of Object.entries(config)) {
        all[key.includes(":") ? key : `ecommerce:${key}`] = typeof value === "string" ? value : encodeJs(value);
    }
    const project = Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith("ecommerce:")).map(([k, v]) => [k.slice("ecommerce:".length), v]));
    const foreign = Object.keys(all).filter((k) => !k.startsWith("ecommerce:"));
    return loadSettings(project, "ecommerce", stack, foreign, secretKeys);
}
