import { enqueueBench } from './enqueueBench'

/** The enqueue bench in a process of its own (modelledDiskBench.ts starts it with the fsync model loaded): prints its figures as JSON. */
const figures = await enqueueBench.run()
process.stdout.write(JSON.stringify(figures))
