/**
 * "Pick at least one" for a checkbox group. Not `required: true`: that puts aria-required on the group's <div>, which
 * has no role allowing it (axe: aria-allowed-attr, critical).
 */
export const atLeastOne = (message: string) => ({
  validator: (_: unknown, value: unknown[] | undefined) =>
    value?.length ? Promise.resolve() : Promise.reject(new Error(message)),
});
