/**
 * @module
 * zod as the project uses it: `zod/mini`, zod's tree-shakable build (its functional API keeps the
 * worker bundle small), with zod's English messages, which `zod/mini` leaves out until configured.
 * Every schema imports zod from here, so its messages read the same whichever module loads first.
 *
 * @example
 * import * as z from './zod.ts'
 * const name = z.string().check(z.trim(), z.minLength(1), z.maxLength(150))
 */
import { config } from 'zod/mini'
import { en } from 'zod/locales'

config(en())

export * from 'zod/mini'
