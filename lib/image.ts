/**
 * Container image references: the policy pack's parser (policy/lib/image.ts), which the pack
 * owns because it stands alone; the program reads image names with the same grammar.
 */
export * from "../policy/lib/image";
