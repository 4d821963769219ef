/**
 * Loaded first, as a spec file, in every mutation scope: the program's modules are then
 * evaluated while mocha loads the test files, where Stryker sees their module-level code
 * (names, paths, tables) as static and tests those mutants in a fresh process. Imported by
 * the first test that runs a stack instead, that code would be credited to that one test
 * and evaluated once per process, before any mutant is active: never mutated at all.
 */
import "../stacks/program";
