/** @size-limit/file ships no types: size-limit takes it as it takes any plugin. */
declare module '@size-limit/file' {
  const plugin: (...args: unknown[]) => unknown;
  export default plugin;
}
