/** What the policy pack's analyzer sees of what the program declares under the mocks. */
import { revealSecrets } from "../../offline/manifests";
import type { RecordedResource } from "../../offline/mocks";
import { asFirstPreview as firstPreviewOf, type ResourceInput } from "../../policy/test/harness";

/** A recorded resource's inputs, secrets unwrapped to plain values. */
export function asAnalyzed(r: RecordedResource): ResourceInput {
    return { type: r.type, name: r.name, props: revealSecrets(r.inputs) as Record<string, unknown> };
}

/** A first preview: every value derived from a generated password (the mocks' all contain "mock-password-") is not known yet. */
export const asFirstPreview = (r: ResourceInput): ResourceInput => firstPreviewOf(r, (value) => value.includes("mock-password-"));
