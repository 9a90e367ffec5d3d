import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rollupOptions: { input: { index: resolve(__dirname, 'src-main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can require only 'electron': bundle the contract (and zod) into it, as CommonJS.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    base: './',
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
    plugins: [
      vue(),
      // Element Plus components and their styles are imported on demand, only where used.
      Components({
        dirs: [],
        dts: false,
        resolvers: [
          // <el-form-item> is Element Plus's, with its message and hints tied to its control for screen
          // readers (src-renderer/src/components/FormItem.vue says how).
          (name: string) => (name === 'ElFormItem' ? { name: 'default', from: resolve(__dirname, 'src-renderer/src/components/FormItem.vue') } : undefined),
          ElementPlusResolver({ importStyle: 'css' }),
        ],
      }),
    ],
  },
})
