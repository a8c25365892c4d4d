/** Vitest global setup for the worker tests: a webhook receiver on loopback, shared by all files. */
import type { TestProject } from 'vitest/node'
import { startReceiver } from './webhook-receiver.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    receiverUrl: string
  }
}

export default async function setup(project: TestProject) {
  const receiver = await startReceiver()
  project.provide('receiverUrl', receiver.url)
  return () => receiver.close()
}
