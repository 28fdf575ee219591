// @hanazuki/node-jsonnet ships types, but its package.json "exports" hides them from NodeNext
// resolution; this declares the part we use. (tsconfig "paths" would also redirect tsx at run time.)
declare module '@hanazuki/node-jsonnet' {
  export class Jsonnet {
    constructor();
    addJpath(path: string): this;
    extString(key: string, value: string): this;
    extCode(key: string, code: string): this;
    nativeCallback(
      name: string,
      fun: (...args: Array<null | boolean | number | string>) => unknown,
      ...params: string[]
    ): this;
    evaluateFile(file: string): Promise<string>;
    evaluateSnippet(snippet: string, filename?: string): Promise<string>;
  }
}
