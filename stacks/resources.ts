/** Requests and limits: merging config over defaults, and the check the API server would make. */
import { parseCpu, parseMemory } from "../lib/quantity";
import type { Resources } from "../settings/resources";
import type { ResourcesOverride } from "./schema";


export function mergeResources(base: Resources, override: ResourcesOverride | undefined): Resources {
    return {
        requests: { ...base.requests, ...override?.requests },
        limits: { ...base.limits, ...override?.limits },
    };
}

/** Requests above limits are rejected by the API server; say so at the key that caused it. */
export function checkResources(
    merged: Resources,
    override: ResourcesOverride | undefined,
    path: string[],
    key: (...path: string[]) => string,
    problems: string[],
): void {
    const parsers = { cpu: parseCpu, memory: parseMemory } as const;
    for (const kind of ["cpu", "memory"] as const) {
        if (override?.requests?.[kind] === undefined && override?.limits?.[kind] === undefined) {
            continue;
        }
        const request = parsers[kind](merged.requests[kind]) ?? 0;
        const limit = parsers[kind](merged.limits[kind]) ?? 0;
        if (request > limit) {
            // Name both keys: either may be the one the user just edited.
            const requestKey = key(...path, "requests", kind);
            const limitKey = key(...path, "limits", kind);
            const [req, lim] = [merged.requests[kind], merged.limits[kind]];
            const requestSet = override?.requests?.[kind] !== undefined;
            const limitSet = override?.limits?.[kind] !== undefined;
            problems.push(
                requestSet && limitSet
                    ? `${requestKey} (${req}) exceeds ${limitKey} (${lim}); a request must be at most its limit`
                    : limitSet
                      ? `${limitKey}: limit ${lim} is below the request ${req} (${requestKey} or its default); a request must be at most its limit`
                      : `${requestKey}: request ${req} exceeds the limit ${lim} (${limitKey} or its default); a request must be at most its limit`,
            );
        }
    }
}
