/// <reference types="vite/client" />
/// <reference path="../../src-preload/kioskApi.d.ts" />

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}
